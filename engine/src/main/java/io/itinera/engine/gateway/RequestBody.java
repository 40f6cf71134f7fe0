package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.extractEntity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Reads a request body within a size limit, then decodes it in its {@link Format}: JSON for the
 * API, YAML text for journey files. A body over the limit is answered with 413, one of another
 * media type with 415.
 */
final class RequestBody {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** What a body is read as: which media types are accepted, and how its bytes become a value. */
  interface Format<T> {

    boolean accepts(MediaType mediaType);

    /** The 415 for a body of a type this format does not accept. */
    Problem unsupported(MediaType mediaType);

    Problem tooLarge(long maxBytes);

    /** The body's bytes, non-empty, as a value or the problem with them. */
    Parsed<T> decode(byte[] bytes);

    Problem empty();
  }

  /**
   * A JSON document. {@code text/plain} is read as JSON too: Segment's browser SDK sends it that
   * way to avoid a CORS preflight.
   */
  static final Format<JsonNode> JSON = new JsonFormat();

  /** A journey file: UTF-8 text, sent under any of the names YAML has in the wild. */
  static final Format<String> YAML_TEXT = new YamlTextFormat();

  private RequestBody() {}

  static <T> Route read(long maxBytes, Format<T> format, Function<T, Route> inner) {
    return extractMaterializer(
        materializer ->
            extractEntity(
                entity -> {
                  // A declared length over the limit is refused before reading a byte of it.
                  OptionalLong declared = entity.getContentLengthOption();
                  if (declared.isPresent() && declared.getAsLong() > maxBytes) {
                    return format.tooLarge(maxBytes).answer();
                  }
                  // Most bodies arrive whole: decode them directly. toStrict would run a stream
                  // for each one (its cost is in docs/benchmarks.md).
                  if (entity instanceof HttpEntity.Strict whole) {
                    return decode(whole, format).then(inner);
                  }
                  return onComplete(
                      entity.toStrict(READ_TIMEOUT.toMillis(), maxBytes, materializer),
                      strict -> {
                        if (strict.isSuccess()) {
                          return decode(strict.get(), format).then(inner);
                        }
                        if (strict.failed().get() instanceof EntityStreamSizeException) {
                          return format.tooLarge(maxBytes).answer();
                        }
                        return unreadable().answer();
                      });
                }));
  }

  private static <T> Parsed<T> decode(HttpEntity.Strict entity, Format<T> format) {
    MediaType mediaType = entity.getContentType().mediaType();
    if (!format.accepts(mediaType)) {
      return new Parsed.Invalid<>(format.unsupported(mediaType));
    }
    byte[] bytes = entity.getData().toArray();
    if (bytes.length == 0) {
      return new Parsed.Invalid<>(format.empty());
    }
    return format.decode(bytes);
  }

  private static Problem unreadable() {
    return Problem.invalidBody("The body could not be read.", null);
  }

  private static final class JsonFormat implements Format<JsonNode> {

    @Override
    public boolean accepts(MediaType mediaType) {
      return mediaType.equals(MediaTypes.APPLICATION_JSON.toContentType().mediaType())
          || (mediaType.mainType().equals("text") && mediaType.subType().equals("plain"));
    }

    @Override
    public Problem unsupported(MediaType mediaType) {
      return Problem.unsupportedMediaType(
          "The body is " + mediaType + "; send application/json (or text/plain holding JSON).");
    }

    @Override
    public Problem tooLarge(long maxBytes) {
      return Problem.payloadTooLarge(
          "The body is larger than the "
              + maxBytes
              + " bytes this route accepts: 32 KB for one message, 500 KB for a batch.");
    }

    @Override
    public Problem empty() {
      return Problem.invalidBody("The body is empty; send a JSON object.", null);
    }

    @Override
    public Parsed<JsonNode> decode(byte[] bytes) {
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(bytes);
      } catch (JsonProcessingException e) {
        JsonLocation where = e.getLocation();
        String position =
            where == null
                ? ""
                : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
        return new Parsed.Invalid<>(
            Problem.invalidBody(
                "The body is not valid JSON" + position + ": " + e.getOriginalMessage() + ".",
                List.of()));
      } catch (IOException e) {
        return new Parsed.Invalid<>(unreadable());
      }
      if (body == null || body.isMissingNode()) {
        return new Parsed.Invalid<>(empty());
      }
      return new Parsed.Valid<>(body);
    }
  }

  private static final class YamlTextFormat implements Format<String> {

    private static final Set<String> TYPES =
        Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain");

    @Override
    public boolean accepts(MediaType mediaType) {
      return TYPES.contains(name(mediaType));
    }

    @Override
    public Problem unsupported(MediaType mediaType) {
      return Problem.unsupportedMediaType(
          "The body is "
              + name(mediaType)
              + "; send the journey file as application/yaml (or application/x-yaml, text/yaml,"
              + " text/plain).");
    }

    @Override
    public Problem tooLarge(long maxBytes) {
      return Problem.payloadTooLarge(
          "The journey file is larger than the "
              + maxBytes
              + " bytes ("
              + maxBytes / (1024 * 1024)
              + " MB) this route accepts.");
    }

    @Override
    public Problem empty() {
      return Problem.invalidBody("The body is empty; send the journey's YAML file.", null);
    }

    @Override
    public Parsed<String> decode(byte[] bytes) {
      try {
        return new Parsed.Valid<>(
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString());
      } catch (CharacterCodingException e) {
        return new Parsed.Invalid<>(
            Problem.invalidBody(
                "The body is not UTF-8 text; save the journey file as UTF-8.", null));
      }
    }

    private static String name(MediaType mediaType) {
      return mediaType.mainType() + "/" + mediaType.subType();
    }
  }
}

package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.extractEntity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.protocol.Utf8;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Reads a request body within a size limit, undoes its {@link ContentCoding}s, then decodes it in
 * its {@link Format}: JSON for the API, YAML text for journey files. A body over the limit, before
 * or after decompression, is answered with 413; one of another media type or encoding with 415.
 */
final class RequestBody {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private static final long MEGABYTE = 1024 * 1024;

  /**
   * What a body is read as: the media types accepted (type and subtype only: the body is UTF-8
   * whatever a charset parameter says), what to send instead, what an empty body lacks, and how its
   * bytes become a value.
   */
  record Format<T>(
      Set<String> types,
      String send,
      String limits,
      String emptyHint,
      Function<byte[], Parsed<T>> decoder) {

    boolean accepts(MediaType mediaType) {
      return types.contains(name(mediaType));
    }

    /** The 415 for a body of a type this format does not accept. */
    Problem unsupported(MediaType mediaType) {
      return Problem.unsupportedMediaType("The body is " + name(mediaType) + "; " + send + ".");
    }

    Problem tooLarge(long maxBytes) {
      return Problem.payloadTooLarge(
          "The body is larger than the "
              + maxBytes
              + " bytes"
              + (maxBytes >= MEGABYTE ? " (" + maxBytes / MEGABYTE + " MB)" : "")
              + " this route accepts"
              + limits
              + ".");
    }

    Problem empty() {
      return Problem.invalidBody("The body is empty; " + emptyHint + ".", null);
    }
  }

  /**
   * A JSON document, under any of the media types Segment-compatible clients label it with: {@code
   * text/plain} from Segment's browser SDK (it avoids a CORS preflight), {@code
   * application/x-www-form-urlencoded} from RudderStack's Node SDK.
   */
  static final Format<JsonNode> JSON =
      new Format<>(
          Set.of("application/json", "text/plain", "application/x-www-form-urlencoded"),
          "send JSON as application/json (or text/plain, or application/x-www-form-urlencoded)",
          ": 32 KB for one message, 500 KB for a batch",
          "send a JSON object",
          StrictJson::read);

  /** A journey file: UTF-8 text, sent under any of the names YAML has in the wild. */
  static final Format<String> YAML_TEXT =
      new Format<>(
          Set.of(
              "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"),
          "send the journey file as application/yaml (or application/x-yaml, text/yaml, text/plain)",
          "",
          "send the journey's YAML file",
          RequestBody::utf8Text);

  private RequestBody() {}

  static <T> Route read(long maxBytes, Format<T> format, Function<T, Route> inner) {
    return extractRequest(
        request ->
            ContentCoding.of(request)
                .then(codings -> read(new Body<>(codings, maxBytes, format), inner)));
  }

  private static <T> Route read(Body<T> body, Function<T, Route> inner) {
    long maxBytes = body.maxBytes();
    Format<T> format = body.format();
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
                    return body.decode(whole).then(inner);
                  }
                  // withSizeLimit fails a chunked body past the limit with the exception that says
                  // so; toStrict's own maxBytes fails it as a generic stream error.
                  return onComplete(
                      entity
                          .withSizeLimit(maxBytes)
                          .toStrict(READ_TIMEOUT.toMillis(), materializer),
                      strict -> {
                        if (strict.isSuccess()) {
                          return body.decode(strict.get()).then(inner);
                        }
                        if (overLimit(strict.failed().get())) {
                          return format.tooLarge(maxBytes).answer();
                        }
                        return unreadable().answer();
                      });
                }));
  }

  /** A body read whole, still in its content codings, and what it is to be decoded as. */
  private record Body<T>(List<ContentCoding> codings, long maxBytes, Format<T> format) {

    Parsed<T> decode(HttpEntity.Strict entity) {
      MediaType mediaType = entity.getContentType().mediaType();
      if (!format.accepts(mediaType)) {
        return new Parsed.Invalid<>(format.unsupported(mediaType));
      }
      byte[] bytes;
      try {
        bytes = ContentCoding.decode(codings, entity.getData().toArray(), maxBytes);
      } catch (ContentCoding.TooLarge e) {
        return new Parsed.Invalid<>(format.tooLarge(maxBytes));
      } catch (IOException e) {
        return new Parsed.Invalid<>(
            Problem.invalidBody(
                "The body could not be decoded as its Content-Encoding says: "
                    + (e.getMessage() == null ? "the data is corrupt" : e.getMessage())
                    + ".",
                null));
      }
      if (bytes.length == 0) {
        return new Parsed.Invalid<>(format.empty());
      }
      return format.decoder().apply(bytes);
    }
  }

  /** A body over the limit, told by Pekko HTTP's own exception wherever it wraps it. */
  private static boolean overLimit(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof EntityStreamSizeException) {
        return true;
      }
    }
    return false;
  }

  /** The media type without its parameters, in lower case as Pekko HTTP keeps it. */
  private static String name(MediaType mediaType) {
    return mediaType.mainType() + "/" + mediaType.subType();
  }

  private static Problem unreadable() {
    return Problem.invalidBody("The body could not be read.", null);
  }

  private static Parsed<String> utf8Text(byte[] bytes) {
    try {
      return new Parsed.Valid<>(Utf8.strict(bytes));
    } catch (CharacterCodingException e) {
      return new Parsed.Invalid<>(
          Problem.invalidBody("The body is not UTF-8 text; save the journey file as UTF-8.", null));
    }
  }
}

package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractEntity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * Reads a JSON request body within a size limit. {@code text/plain} is read as JSON too: Segment's
 * browser SDK sends it that way to avoid a CORS preflight. A body over the limit fails the entity
 * stream and is answered with 413.
 */
final class JsonBody {

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private JsonBody() {}

  static Route read(long maxBytes, Function<JsonNode, Route> inner) {
    return extractMaterializer(
        materializer ->
            extractEntity(
                entity -> {
                  // A declared length over the limit is refused before reading a byte of it.
                  OptionalLong declared = entity.getContentLengthOption();
                  if (declared.isPresent() && declared.getAsLong() > maxBytes) {
                    return complete(GatewayRoutes.tooLarge(maxBytes));
                  }
                  // Most bodies arrive whole: parse them directly. toStrict would run a stream for
                  // each one, measured at 15% of the engine's CPU under load.
                  if (entity instanceof HttpEntity.Strict whole) {
                    return parse(whole, inner);
                  }
                  return onComplete(
                      entity.toStrict(READ_TIMEOUT.toMillis(), maxBytes, materializer),
                      strict -> {
                        if (strict.isSuccess()) {
                          return parse(strict.get(), inner);
                        }
                        if (strict.failed().get() instanceof EntityStreamSizeException) {
                          return complete(GatewayRoutes.tooLarge(maxBytes));
                        }
                        return complete(
                            Problem.invalidBody("The body could not be read.", null).toResponse());
                      });
                }));
  }

  private static Route parse(HttpEntity.Strict entity, Function<JsonNode, Route> inner) {
    MediaType mediaType = entity.getContentType().mediaType();
    boolean json = mediaType.equals(MediaTypes.APPLICATION_JSON.toContentType().mediaType());
    boolean text = mediaType.mainType().equals("text") && mediaType.subType().equals("plain");
    if (!json && !text) {
      return complete(
          Problem.unsupportedMediaType(
                  "The body is "
                      + mediaType
                      + "; send application/json (or text/plain holding JSON).")
              .toResponse());
    }
    byte[] bytes = entity.getData().toArray();
    if (bytes.length == 0) {
      return complete(
          Problem.invalidBody("The body is empty; send a JSON object.", null).toResponse());
    }
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation where = e.getLocation();
      String position =
          where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
      return complete(
          Problem.invalidBody(
                  "The body is not valid JSON" + position + ": " + e.getOriginalMessage() + ".",
                  List.of())
              .toResponse());
    } catch (IOException e) {
      return complete(Problem.invalidBody("The body could not be read.", null).toResponse());
    }
    if (body == null || body.isMissingNode()) {
      return complete(
          Problem.invalidBody("The body is empty; send a JSON object.", null).toResponse());
    }
    return inner.apply(body);
  }
}

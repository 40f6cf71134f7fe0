package io.itinera.engine.gateway;

import io.itinera.protocol.touchpoint.FieldError;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * An RFC 9457 problem details body: every error the gateway returns is one of these, so clients
 * need one error parser. {@code errors} lists what was wrong and where, as JSON Pointers into the
 * request body. The {@code type} URIs are documented in docs/api.md.
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors) {

  public static final ContentType CONTENT_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private static final String TYPES = "https://itinera.io/problems/";

  static Problem invalidBody(String detail, List<FieldError> errors) {
    return new Problem(TYPES + "invalid-body", "Invalid request body", 400, detail, null, errors);
  }

  /** A query parameter is wrong; {@code detail} names it and says what it must be. */
  static Problem invalidParameter(String parameter, String detail) {
    return new Problem(
        TYPES + "invalid-parameter",
        "Invalid query parameter \"" + parameter + "\"",
        400,
        detail,
        null,
        null);
  }

  static Problem conflict(String detail) {
    return new Problem(TYPES + "conflict", "Conflict", 409, detail, null, null);
  }

  static Problem unauthorized(String detail) {
    return new Problem(TYPES + "unauthorized", "Unauthorized", 401, detail, null, null);
  }

  static Problem notFound(String detail) {
    return new Problem(TYPES + "not-found", "Not found", 404, detail, null, null);
  }

  static Problem methodNotAllowed(String detail) {
    return new Problem(TYPES + "method-not-allowed", "Method not allowed", 405, detail, null, null);
  }

  static Problem payloadTooLarge(String detail) {
    return new Problem(TYPES + "payload-too-large", "Payload too large", 413, detail, null, null);
  }

  static Problem unsupportedMediaType(String detail) {
    return new Problem(
        TYPES + "unsupported-media-type", "Unsupported media type", 415, detail, null, null);
  }

  static Problem unavailable(String detail) {
    return new Problem(TYPES + "unavailable", "Service unavailable", 503, detail, null, null);
  }

  static Problem internal(String detail) {
    return new Problem(TYPES + "internal", "Internal error", 500, detail, null, null);
  }

  /** A problem for a status that has no more specific type (rejections of Pekko HTTP's own). */
  static Problem ofStatus(int status, String reason, String detail) {
    return new Problem("about:blank", reason, status, detail, null, null);
  }

  Problem at(String path) {
    return new Problem(type, title, status, detail, path, errors);
  }

  HttpResponse toResponse() {
    return Json.response(StatusCodes.get(status), CONTENT_TYPE, this);
  }
}

package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.itinera.protocol.touchpoint.FieldError;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An RFC 9457 problem details body: every error the gateway returns is one of these, so clients
 * need one error parser. {@code errors} lists what was wrong and where, as JSON Pointers into the
 * request body. The {@code type} URIs are documented in docs/api.md. Routes answer with {@link
 * #answer()}, which sets {@code instance} to the request's path, so no problem goes without it.
 * Each also carries {@code code} and {@code message}, the fields Segment's SDKs read: without them
 * Segment's Python SDK fails on the reply and retries answers that will never change. A problem may
 * add extension members of its own (RFC 9457, section 3.2), such as why ingest shed a request.
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors,
    @JsonIgnore Map<String, Object> extensions) {

  public Problem {
    extensions =
        extensions == null || extensions.isEmpty()
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  public Problem(
      String type,
      String title,
      int status,
      String detail,
      String instance,
      List<FieldError> errors) {
    this(type, title, status, detail, instance, errors, Map.of());
  }

  public static final ContentType CONTENT_TYPE =
      MediaTypes.applicationWithFixedCharset("problem+json", HttpCharsets.UTF_8).toContentType();

  private static final String TYPES = "https://itinera.io/problems/";
  private static final String UNAUTHORIZED = TYPES + "unauthorized";
  private static final String UNAVAILABLE = TYPES + "unavailable";

  /** Every 503 is a moment's overload or a slow database: clients retry after a second. */
  private static final long RETRY_AFTER_SECONDS = 1;

  static Problem invalidBody(String detail, List<FieldError> errors) {
    return new Problem(TYPES + "invalid-body", "Invalid request body", 400, detail, null, errors);
  }

  /**
   * A body whose fields are wrong: "{@code subject} is not valid: " and the first error, with how
   * many more {@code errors} holds.
   */
  static Problem invalidFields(String subject, List<FieldError> errors) {
    return invalidBody(
        subject
            + " is not valid: "
            + errors.get(0).detail()
            + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more in \"errors\")" : ""),
        errors);
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

  /** Answered with a Basic challenge, as Segment's clients expect. */
  static Problem unauthorized(String detail) {
    return new Problem(UNAUTHORIZED, "Unauthorized", 401, detail, null, null);
  }

  /** A known key whose scope does not cover the route: asking again with it will not help. */
  static Problem forbidden(String detail) {
    return new Problem(TYPES + "forbidden", "Forbidden", 403, detail, null, null);
  }

  /** The caller's key is over its rate limit; the route adds {@code Retry-After}. */
  static Problem tooManyRequests(String detail) {
    return new Problem(TYPES + "rate-limited", "Too many requests", 429, detail, null, null);
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

  /** Answered with {@code Retry-After}. */
  static Problem unavailable(String detail) {
    return new Problem(UNAVAILABLE, "Service unavailable", 503, detail, null, null);
  }

  /**
   * Ingest shed the request before trying it (answered with {@code Retry-After}); {@code members}
   * say why: {@code reason} and what it concerns.
   */
  static Problem shed(String detail, Map<String, Object> members) {
    return new Problem(UNAVAILABLE, "Service unavailable", 503, detail, null, null, members);
  }

  static Problem internal(String detail) {
    return new Problem(TYPES + "internal", "Internal error", 500, detail, null, null);
  }

  /** A problem for a status that has no more specific type (rejections of Pekko HTTP's own). */
  static Problem ofStatus(int status, String reason, String detail) {
    return new Problem("about:blank", reason, status, detail, null, null);
  }

  /** A short machine word for the problem, as Segment's SDKs read it: its type's last segment. */
  @JsonProperty("code")
  public String code() {
    return code(type, title);
  }

  /** The {@code detail} again, under the name Segment's SDKs read. */
  @JsonProperty("message")
  public String message() {
    return detail;
  }

  /**
   * The last segment of {@code type}; for {@code about:blank}, the title as one lower-case word.
   */
  static String code(String type, String title) {
    if (type.startsWith(TYPES)) {
      return type.substring(TYPES.length());
    }
    return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
  }

  /** The extension members, written beside the standard ones. */
  @JsonAnyGetter
  Map<String, Object> extensionMembers() {
    return extensions;
  }

  Problem at(String path) {
    return new Problem(type, title, status, detail, path, errors, extensions);
  }

  /** Answers the request with this problem, its {@code instance} the request's path. */
  Route answer() {
    return located(path -> at(path).toResponse());
  }

  /** Answers with a response made for the request's path: the one place problems learn it. */
  static Route located(Function<String, HttpResponse> response) {
    return extractUri(uri -> complete(response.apply(uri.path())));
  }

  /** Goes on with what {@code work} gives, or answers with the problem its failure makes. */
  static <T> Route awaiting(
      CompletionStage<T> work, Function<Throwable, Problem> failed, Function<T, Route> inner) {
    return onComplete(
        work,
        result ->
            result.isSuccess()
                ? inner.apply(result.get())
                : failed.apply(result.failed().get()).answer());
  }

  HttpResponse toResponse() {
    HttpResponse response = Json.response(StatusCodes.get(status), CONTENT_TYPE, this);
    if (type.equals(UNAUTHORIZED)) {
      return response.addHeader(WWWAuthenticate.create(HttpChallenge.createBasic("itinera")));
    }
    if (type.equals(UNAVAILABLE)) {
      return response.addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
    }
    return response;
  }
}

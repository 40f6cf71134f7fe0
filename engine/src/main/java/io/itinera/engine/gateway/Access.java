package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one check of a caller's key against the {@link Scope} a route declares, and of its rate
 * limit. No key, or one that opens nothing, is a 401 with a Basic challenge (Segment's clients
 * expect it); a known key of too small a scope is a 403, since asking again with it cannot help; a
 * key over its limit is a 429 with {@code Retry-After}. Ingest has its own entry, {@link #ingest},
 * since Segment's browser SDK sends the key in the body.
 */
final class Access {

  private final KeyRing keys;
  private final RateLimits limits;

  Access(KeyRing keys, RateLimits limits) {
    this.keys = keys;
    this.limits = limits;
  }

  /**
   * Goes on to {@code inner} when the Authorization header holds a key of {@code scope} or wider.
   *
   * @param who the start of the refusal, e.g. "Journeys need"
   */
  Route require(Scope scope, String who, Supplier<Route> inner) {
    return require(scope, who, caller -> inner.get());
  }

  /** As {@link #require(Scope, String, Supplier)}, telling {@code inner} who called. */
  Route require(Scope scope, String who, Function<Caller, Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> key = ApiKeys.presented(credentials);
          if (key.isEmpty()) {
            return Problem.unauthorized(who + " " + needs(scope)).answer();
          }
          Optional<Caller> caller = keys.find(key.get());
          if (caller.isEmpty()) {
            return Problem.unauthorized(
                    "The key in the Authorization header is not valid (unknown, expired or"
                        + " revoked). "
                        + who
                        + " "
                        + needs(scope))
                .answer();
          }
          return admitted(caller.get(), scope, who, () -> inner.apply(caller.get()));
        });
  }

  /**
   * As {@link #require(Scope, String, Supplier)}, handing {@code inner} the caller's key id ({@link
   * KeyIds#of}): the audit log's "who".
   */
  Route requireNamed(Scope scope, String who, Function<String, Route> inner) {
    return require(scope, who, (Caller caller) -> inner.apply(caller.keyId()));
  }

  /**
   * Reads an ingest body once its key is good: from the Authorization header when there is one
   * (checked before the body is read), else from the body's {@code writeKey}. Any scope may send
   * touchpoints; {@code inner} learns which, for the identity rule (see IdentityRule).
   */
  Route ingest(long maxBytes, BiFunction<Caller, JsonNode, Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> presented = ApiKeys.presented(credentials);
          if (presented.isEmpty()) {
            return RequestBody.read(
                maxBytes, RequestBody.JSON, body -> withWriteKeyInBody(body, inner));
          }
          Optional<Caller> caller = keys.find(presented.get());
          if (caller.isEmpty()) {
            return Problem.unauthorized("The write key in the Authorization header is not valid.")
                .answer();
          }
          return limited(
              caller.get(),
              () ->
                  RequestBody.read(
                      maxBytes, RequestBody.JSON, body -> inner.apply(caller.get(), body)));
        });
  }

  private Route withWriteKeyInBody(JsonNode body, BiFunction<Caller, JsonNode, Route> inner) {
    JsonNode writeKey = body.path("writeKey");
    if (!writeKey.isTextual()) {
      return Problem.unauthorized(
              "No write key: send it as the HTTP Basic user name (with an empty password)"
                  + " or as \"writeKey\" in the body.")
          .answer();
    }
    Optional<Caller> caller = keys.find(writeKey.asText());
    if (caller.isEmpty()) {
      return Problem.unauthorized("The \"writeKey\" in the body is not valid.").answer();
    }
    return limited(caller.get(), () -> inner.apply(caller.get(), body));
  }

  private Route admitted(Caller caller, Scope scope, String who, Supplier<Route> inner) {
    if (!caller.scope().covers(scope)) {
      return Problem.forbidden(
              who
                  + " "
                  + needs(scope)
                  + " Key "
                  + caller.keyId()
                  + " has the "
                  + caller.scope().wireName()
                  + " scope.")
          .answer();
    }
    return limited(caller, inner);
  }

  private Route limited(Caller caller, Supplier<Route> inner) {
    Duration wait = limits.take(caller);
    if (wait.isZero()) {
      return inner.get();
    }
    long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    return respondWithHeader(
        RetryAfter.create(seconds),
        () ->
            Problem.tooManyRequests(
                    "Key "
                        + caller.keyId()
                        + " is over its rate limit of "
                        + limits.limitOf(caller).perSecond()
                        + " requests a second; retry after "
                        + seconds
                        + " s.")
                .answer());
  }

  private static String needs(Scope scope) {
    return switch (scope) {
      case INGEST ->
          "a key in the Authorization header (HTTP Basic user name or Bearer token) or as"
              + " \"writeKey\" in the body.";
      case READ ->
          "a read key or the admin key in the Authorization header (HTTP Basic user name or Bearer"
              + " token); an ingest (write) key is not enough.";
      case ADMIN ->
          "an admin key in the Authorization header (HTTP Basic user name or Bearer token).";
    };
  }
}

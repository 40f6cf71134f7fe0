package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one check of a caller's key against what a route needs ({@link Scope}); a refused caller is
 * answered 401 with a Basic challenge. Ingest has its own entry, {@link #ingest}, since Segment's
 * browser SDK sends the write key in the body.
 */
final class Access {

  /** What a route needs, with how the refusal says so. */
  enum Scope {
    /** Reading customers and channels' actions: profiles and offers are personal data. */
    READ(
        "a write key or the admin key in the Authorization header (HTTP Basic user name or Bearer"
            + " token)."),
    /** Administration: journeys, channels, deliveries. */
    ADMIN(
        "the admin key in the Authorization header (HTTP Basic user name or Bearer token); a"
            + " write key is not enough.");

    private final String needs;

    Scope(String needs) {
      this.needs = needs;
    }

    boolean admits(ApiKeys keys, String key) {
      return switch (this) {
        case READ -> keys.isWriteKey(key) || keys.isAdminKey(key);
        case ADMIN -> keys.isAdminKey(key);
      };
    }
  }

  private final ApiKeys keys;

  Access(ApiKeys keys) {
    this.keys = keys;
  }

  /**
   * Goes on to {@code inner} when the Authorization header holds a key of {@code scope}.
   *
   * @param who the start of the refusal, e.g. "Journeys need"
   */
  Route require(Scope scope, String who, Supplier<Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> key = ApiKeys.presented(credentials);
          if (key.isEmpty() || !scope.admits(keys, key.get())) {
            return Problem.unauthorized(who + " " + scope.needs).answer();
          }
          return inner.get();
        });
  }

  /**
   * As {@link #require}, handing {@code inner} the caller's key id ({@link KeyIds#of}): the audit
   * log's "who". Built on {@link #require} so the check stays in one place.
   */
  Route requireNamed(Scope scope, String who, Function<String, Route> inner) {
    return extractCredentials(
        credentials ->
            require(
                scope,
                who,
                () -> inner.apply(KeyIds.of(ApiKeys.presented(credentials).orElseThrow()))));
  }

  /**
   * Reads an ingest body once its write key is good: from the Authorization header when there is
   * one (checked before the body is read), else from the body's {@code writeKey}.
   */
  Route ingest(long maxBytes, Function<JsonNode, Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> presented = ApiKeys.presented(credentials);
          if (presented.isPresent() && !keys.isWriteKey(presented.get())) {
            return Problem.unauthorized("The write key in the Authorization header is not valid.")
                .answer();
          }
          return RequestBody.read(
              maxBytes,
              RequestBody.JSON,
              body -> presented.isPresent() ? inner.apply(body) : withWriteKeyInBody(body, inner));
        });
  }

  private Route withWriteKeyInBody(JsonNode body, Function<JsonNode, Route> inner) {
    JsonNode writeKey = body.path("writeKey");
    if (!writeKey.isTextual()) {
      return Problem.unauthorized(
              "No write key: send it as the HTTP Basic user name (with an empty password)"
                  + " or as \"writeKey\" in the body.")
          .answer();
    }
    if (!keys.isWriteKey(writeKey.asText())) {
      return Problem.unauthorized("The \"writeKey\" in the body is not valid.").answer();
    }
    return inner.apply(body);
  }
}

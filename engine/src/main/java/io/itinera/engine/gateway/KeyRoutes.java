package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.protocol.touchpoint.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The key admin API: {@code POST /v1/keys} (create), {@code GET /v1/keys} (list, never a secret),
 * {@code POST /v1/keys/{id}/rotate} (a new secret; the old one works on for an overlap) and {@code
 * DELETE /v1/keys/{id}} (revoke). A secret is in the reply of create and rotate, and nowhere else
 * ever again. The environment's keys are listed too, and can be changed only there.
 */
final class KeyRoutes {

  /** How long a rotated key keeps working when the request does not say: a day of redeploys. */
  static final Duration DEFAULT_OVERLAP = Duration.ofHours(24);

  /** The longest overlap a rotation may ask for. */
  private static final Duration MAX_OVERLAP = Duration.ofDays(30);

  private static final long MAX_BODY = 4 * 1024;

  /** A key as listed. {@code origin} is "environment" or "api"; absent fields are null. */
  record KeyView(
      String id,
      String name,
      String scope,
      String origin,
      RateLimit rateLimit,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt,
      String replacedBy) {

    static KeyView of(KeyStore.StoredKey key) {
      return new KeyView(
          key.id(),
          key.name(),
          key.scope().wireName(),
          "api",
          key.rateLimit(),
          key.createdAt(),
          key.expiresAt(),
          key.revokedAt(),
          key.replacedBy());
    }
  }

  record KeyListView(List<KeyView> keys) {}

  /** The reply of create and rotate: the key and, this once, its secret. */
  record NewKeyView(
      String id,
      String name,
      String scope,
      String secret,
      RateLimit rateLimit,
      Instant createdAt,
      String replaces,
      Instant replacedKeyExpiresAt) {}

  private final KeyRing ring;
  private final Access access;
  private final AuditTrail auditTrail;

  KeyRoutes(KeyRing ring, Access access, AuditTrail auditTrail) {
    this.ring = ring;
    this.access = access;
    this.auditTrail = auditTrail;
  }

  Route routes() {
    Route list = concat(get(() -> admin(who -> list())), post(() -> admin(this::create)));
    return GatewayRoutes.collection("keys", list, this::key);
  }

  private Route key(String id) {
    return concat(
        pathEndOrSingleSlash(() -> delete(() -> admin(who -> revoke(id, who)))),
        path("rotate", () -> post(() -> admin(who -> rotate(id, who)))));
  }

  /** {@code inner} is given the caller's key id, for the audit log. */
  private Route admin(Function<String, Route> inner) {
    return access.requireNamed(Scope.ADMIN, "Keys need", inner);
  }

  private Route list() {
    return sql(
        () -> ring.store().all(),
        stored -> {
          List<KeyView> views = new ArrayList<>();
          ring.environment()
              .byId()
              .values()
              .forEach(
                  known ->
                      views.add(
                          new KeyView(
                              known.caller().keyId(),
                              ApiKeys.ENVIRONMENT,
                              known.caller().scope().wireName(),
                              "environment",
                              null,
                              null,
                              null,
                              null,
                              null)));
          views.sort(Comparator.comparing(KeyView::id));
          stored.forEach(key -> views.add(KeyView.of(key)));
          return complete(Json.response(StatusCodes.OK, new KeyListView(views)));
        });
  }

  private Route create(String who) {
    return RequestBody.read(MAX_BODY, RequestBody.JSON, body -> create(body, who));
  }

  private Route create(JsonNode body, String who) {
    List<FieldError> errors = new ArrayList<>();
    if (!body.isObject()) {
      errors.add(new FieldError("", "The body must be a JSON object with \"name\" and \"scope\"."));
      return invalid(errors);
    }
    JsonNode name = body.path("name");
    if (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 200) {
      errors.add(new FieldError("/name", "\"name\" must be a string of 1 to 200 characters."));
    }
    JsonNode scopeName = body.path("scope");
    Scope scope = scopeName.isTextual() ? Scope.named(scopeName.asText()) : null;
    if (scope == null) {
      errors.add(new FieldError("/scope", "\"scope\" must be \"ingest\", \"read\" or \"admin\"."));
    }
    RateLimit limit = rateLimit(body.path("rateLimit"), errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    return sql(
        () -> ring.store().create(name.asText(), scope, limit, ring.clock().instant()),
        made -> changed(made, StatusCodes.CREATED, null, who));
  }

  private static RateLimit rateLimit(JsonNode node, List<FieldError> errors) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    JsonNode perSecond = node.path("perSecond");
    JsonNode burst = node.path("burst");
    boolean perSecondOk = perSecond.canConvertToLong() && perSecond.asLong() >= 0;
    boolean burstOk = burst.isMissingNode() || (burst.canConvertToLong() && burst.asLong() >= 0);
    if (!node.isObject() || !perSecondOk || !burstOk) {
      errors.add(
          new FieldError(
              "/rateLimit",
              "\"rateLimit\" must be {\"perSecond\": n, \"burst\": m} with whole numbers >= 0"
                  + " (perSecond 0: no limit; burst defaults to perSecond)."));
      return null;
    }
    return new RateLimit(perSecond.asLong(), burst.isMissingNode() ? 0 : burst.asLong());
  }

  private Route rotate(String id, String who) {
    return parameterOptional(
        "overlapSeconds",
        raw -> {
          Optional<Duration> overlap = overlap(raw);
          if (overlap.isEmpty()) {
            return Problem.invalidParameter(
                    "overlapSeconds",
                    "\"overlapSeconds\" must be a whole number of seconds from 0 to "
                        + MAX_OVERLAP.toSeconds()
                        + " (default "
                        + DEFAULT_OVERLAP.toSeconds()
                        + ").")
                .answer();
          }
          if (ring.environment().byId().containsKey(id)) {
            return environmentKey(id);
          }
          Instant now = ring.clock().instant();
          return sql(
              () -> ring.store().rotate(id, overlap.get(), now),
              made ->
                  made.map(
                          key ->
                              changed(
                                  key,
                                  StatusCodes.CREATED,
                                  new Replaced(id, now.plus(overlap.get())),
                                  who))
                      .orElseGet(() -> noKey(id)));
        });
  }

  private record Replaced(String id, Instant expiresAt) {}

  private static Optional<Duration> overlap(Optional<String> raw) {
    if (raw.isEmpty()) {
      return Optional.of(DEFAULT_OVERLAP);
    }
    try {
      long seconds = Long.parseLong(raw.get());
      return seconds < 0 || seconds > MAX_OVERLAP.toSeconds()
          ? Optional.empty()
          : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private Route revoke(String id, String who) {
    if (ring.environment().byId().containsKey(id)) {
      return environmentKey(id);
    }
    return sql(
        () -> ring.store().revoke(id, ring.clock().instant()),
        revoked -> {
          if (!revoked) {
            return noKey(id);
          }
          // Answered once this node has dropped the key, so "revoked" means it here at once.
          return Problem.awaiting(
              ring.reload(),
              KeyRoutes::unavailable,
              done ->
                  auditTrail.recorded(
                      who, "key.revoke", id, Map.of(), () -> complete(StatusCodes.NO_CONTENT)));
        });
  }

  /** The new key shown once, after this node's ring has it (other nodes within the refresh). */
  private Route changed(KeyStore.NewKey made, StatusCode status, Replaced replaced, String who) {
    KeyStore.StoredKey key = made.key();
    NewKeyView view =
        new NewKeyView(
            key.id(),
            key.name(),
            key.scope().wireName(),
            made.secret(),
            key.rateLimit(),
            key.createdAt(),
            replaced == null ? null : replaced.id(),
            replaced == null ? null : replaced.expiresAt());
    return Problem.awaiting(
        ring.reload(),
        failure -> unavailable(failure),
        done ->
            // The new key's id and scope, never its secret; a rotation is filed under the old id.
            auditTrail.recorded(
                who,
                replaced == null ? "key.create" : "key.rotate",
                replaced == null ? key.id() : replaced.id(),
                replaced == null
                    ? Map.of("scope", key.scope().wireName())
                    : Map.of("scope", key.scope().wireName(), "newKey", key.id()),
                () ->
                    complete(
                        Json.response(status, view)
                            .addHeader(Location.create("/v1/keys/" + key.id())))));
  }

  private static Route noKey(String id) {
    return Problem.notFound("No stored key \"" + id + "\" that is not revoked or expired.")
        .answer();
  }

  private static Route environmentKey(String id) {
    return Problem.conflict(
            "Key "
                + id
                + " comes from the environment (ITINERA_WRITE_KEYS, ITINERA_READ_KEYS or"
                + " ITINERA_ADMIN_KEY): change it there and restart.")
        .answer();
  }

  private static Route invalid(List<FieldError> errors) {
    return Problem.invalidFields("The key", errors).answer();
  }

  private static Problem unavailable(Throwable failure) {
    return Problem.unavailable("The key store could not be read or changed; retry.");
  }

  private <T> Route sql(BlockingSql.Work<T> work, Function<T, Route> inner) {
    return Problem.awaiting(ring.blocking().supply(work), KeyRoutes::unavailable, inner);
  }
}

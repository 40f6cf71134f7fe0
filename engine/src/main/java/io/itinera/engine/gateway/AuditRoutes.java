package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import io.itinera.engine.audit.Audit;
import io.itinera.engine.audit.AuditEntry;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /v1/audit}, admin key only: the audit log newest first, by {@code action} and {@code
 * who}, a page at a time ({@code after}: the {@code next} of the previous page). There is no route
 * that changes or deletes an entry.
 */
record AuditRoutes(Audit audit, Access access) {

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  /** A page of entries; {@code next} is the {@code after} of the next page, null at the end. */
  record AuditListView(List<AuditEntry> entries, String next) {}

  /** Built once (see GatewayRoutes#routes). */
  Route routes() {
    Route list =
        get(
            () ->
                access.require(
                    Scope.ADMIN,
                    "The audit log needs",
                    () ->
                        Params.auditAction(
                            action ->
                                Params.keyId(
                                    who ->
                                        Params.after(
                                            after ->
                                                Params.limit(
                                                    DEFAULT_LIMIT,
                                                    MAX_LIMIT,
                                                    limit -> list(action, who, after, limit)))))));
    return pathPrefix("audit", () -> pathEndOrSingleSlash(() -> list));
  }

  private Route list(Optional<String> action, Optional<String> who, long after, int limit) {
    return Problem.awaiting(
        audit.blocking().supply(() -> audit.list(new Audit.Query(action, who, after, limit + 1))),
        failure -> DeliveryViews.unavailable("The audit log could not be read", failure),
        rows -> {
          boolean more = rows.size() > limit;
          List<AuditEntry> shown = more ? rows.subList(0, limit) : rows;
          String next = more ? Long.toString(shown.get(shown.size() - 1).id()) : null;
          return complete(Json.response(StatusCodes.OK, new AuditListView(shown, next)));
        });
  }
}

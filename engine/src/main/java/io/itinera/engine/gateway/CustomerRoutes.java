package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import io.itinera.engine.customer.CustomerHistory;
import io.itinera.engine.customer.CustomerState;
import io.itinera.engine.customer.Customers;
import io.itinera.journeys.decision.CustomerJourneys;
import io.itinera.journeys.decision.JourneyEvent;
import io.itinera.journeys.decision.JourneyProgress;
import io.itinera.journeys.decision.LedgerEntry;
import io.itinera.journeys.decision.PendingTimer;
import io.itinera.journeys.simulate.Trace;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The read API: {@code GET /v1/customers/{id}}, what the engine holds about one customer, its
 * journeys included, and {@code GET /v1/customers/{id}/decisions}, why: the journeys' decisions
 * with a sentence for each. Needs a read key or the admin key: profiles are personal data. And the
 * data-protection routes: {@code GET /v1/customers/{id}/export} ({@link CustomerExport}, read key)
 * and {@code DELETE /v1/customers/{id}}, the erasure (admin key; docs/security/erasure.md).
 */
record CustomerRoutes(
    Customers customers,
    CustomerHistory history,
    Access access,
    CustomerExport export,
    AuditTrail auditTrail) {

  /** A customer as the read API shows it. */
  record CustomerView(
      String customerId,
      Map<String, Object> traits,
      Map<String, Map<String, Object>> groups,
      long touchpointCount,
      Instant firstSeen,
      Instant lastSeen,
      List<TouchpointView> recentTouchpoints,
      JourneysView journeys,
      List<String> mergedProfiles,
      String mergedInto,
      List<DecisionView> recentDecisions) {

    static CustomerView of(CustomerState state, CustomerHistory.Recent recent) {
      return new CustomerView(
          state.customerId(),
          state.traits(),
          state.groups(),
          state.touchpointCount(),
          state.firstSeen(),
          state.lastSeen(),
          newestFirst(recent.touchpoints()),
          JourneysView.of(state.journeys()),
          state.absorbed().isEmpty() ? null : state.absorbed(),
          state.mergedInto(),
          recent.decisions().stream().map(DecisionView::of).toList());
    }

    private static List<TouchpointView> newestFirst(List<Touchpoint> oldestFirst) {
      List<TouchpointView> views = new ArrayList<>(oldestFirst.size());
      for (int i = oldestFirst.size() - 1; i >= 0; i--) {
        views.add(TouchpointView.of(oldestFirst.get(i)));
      }
      return views;
    }
  }

  /**
   * Where the customer is in their journeys: every channel reads this same state.
   *
   * @param active the journeys they are in, with stage and holdout
   * @param left when they last left each journey they are no longer in
   * @param pendingTimers absence timers and delayed or deferred actions, soonest first
   * @param consent per channel: true opted in, false opted out
   * @param recentActions what went out, oldest first, as long as caps count it
   */
  record JourneysView(
      List<JourneyProgress> active,
      Map<String, Instant> left,
      List<PendingTimer> pendingTimers,
      Map<String, Boolean> consent,
      List<LedgerEntry> recentActions) {

    static JourneysView of(CustomerJourneys journeys) {
      return new JourneysView(
          List.copyOf(journeys.journeys().values()),
          journeys.leftAt(),
          journeys.timers(),
          journeys.consent(),
          journeys.ledger());
    }
  }

  /**
   * One decision the journeys took, for support: its cause (a touchpoint's message id or a timer's
   * id), a sentence per event, and the events themselves.
   */
  record DecisionView(
      long sequenceNr,
      Instant recordedAt,
      String cause,
      List<String> explanation,
      List<JourneyEvent> events) {

    static DecisionView of(CustomerHistory.Entry entry) {
      return new DecisionView(
          entry.sequenceNr(),
          Instant.ofEpochMilli(entry.writtenAt()),
          entry.decided().cause(),
          entry.decided().events().stream().flatMap(e -> Trace.line(e).stream()).toList(),
          entry.decided().events());
    }
  }

  /** One recent touchpoint, newest first in the view. */
  record TouchpointView(
      String type,
      String messageId,
      String event,
      String name,
      String category,
      String groupId,
      String channel,
      Map<String, Object> properties,
      Instant timestamp,
      Instant receivedAt) {

    static TouchpointView of(Touchpoint t) {
      return new TouchpointView(
          t.type().wireName(),
          t.messageId(),
          t.event(),
          t.name(),
          t.category(),
          t.groupId(),
          t.channel(),
          t.properties(),
          t.timestamp(),
          t.receivedAt());
    }
  }

  /** Decisions shown when the caller does not say how many, and the most it may ask for. */
  private static final int DEFAULT_DECISIONS = 50;

  private static final int MAX_DECISIONS = 1000;

  /** Built once down to the customer's id (see GatewayRoutes#routes). */
  Route routes() {
    Route customer =
        pathPrefix(
            PathMatchers.segment(),
            customerId ->
                concat(
                    get(() -> customer(customerId)),
                    delete(() -> pathEndOrSingleSlash(() -> erase(customerId)))));
    return pathPrefix("customers", () -> customer);
  }

  private Route customer(String customerId) {
    return access.require(
        Scope.READ,
        "Reading a customer needs",
        () ->
            concat(
                pathEndOrSingleSlash(() -> show(customerId)),
                path("export", () -> export.export(customerId)),
                path(
                    "decisions",
                    () ->
                        Params.limit(
                            DEFAULT_DECISIONS,
                            MAX_DECISIONS,
                            limit -> decisions(customerId, limit)))));
  }

  /**
   * Erases the customer and the profiles merged into them ({@link Customers#erase}); answers what
   * was deleted, or 404 for an id never seen.
   */
  private Route erase(String customerId) {
    return access.requireNamed(
        Scope.ADMIN,
        "Erasing a customer needs",
        who ->
            Problem.awaiting(
                customers.erase(customerId),
                failure ->
                    Problem.unavailable(
                        "The erasure did not finish in time; retry (an erasure can be repeated)."),
                erased -> {
                  if (erased.at() == null) {
                    return Problem.notFound("No customer \"" + customerId + "\" has been seen.")
                        .answer();
                  }
                  // Audit entries are never deleted, so the entry names the customer by a digest
                  // of the id: whoever knows the id can find its erasure, the log alone cannot
                  // tell whom it erased.
                  return auditTrail.recorded(
                      who,
                      "customer.erase",
                      "customer " + erasedName(customerId),
                      Map.of(
                          "events", erased.events(),
                          "deliveries", erased.deliveries(),
                          "mergedProfiles", erased.mergedProfiles()),
                      () -> complete(Json.response(StatusCodes.OK, erased)));
                }));
  }

  private Route decisions(String customerId, int limit) {
    return Problem.awaiting(
        history.decisions(customerId, limit),
        failure -> Problem.unavailable("The customer's decisions could not be read; retry."),
        decisions -> {
          List<DecisionView> views = decisions.stream().map(DecisionView::of).toList();
          return complete(Json.response(StatusCodes.OK, new DecisionsView(customerId, views)));
        });
  }

  /** The reply of {@code GET /v1/customers/{id}/decisions}: oldest first. */
  record DecisionsView(String customerId, List<DecisionView> decisions) {}

  /** Decisions shown with the customer: enough to answer "why did they get this?". */
  private static final int DECISIONS_WITH_CUSTOMER = 10;

  /** Touchpoints shown with the customer, newest first. */
  private static final int TOUCHPOINTS_WITH_CUSTOMER = 20;

  /**
   * How far back in the journal the customer view reads: each touchpoint is at most two events
   * (itself and the journeys' decision), so this finds the last 20 touchpoints and usually the last
   * 10 decisions, however long the customer's history.
   */
  private static final int EVENTS_WITH_CUSTOMER = 100;

  private Route show(String customerId) {
    CompletionStage<CustomerView> view =
        customers
            .get(customerId)
            .thenCompose(
                state ->
                    !state.known()
                        ? CompletableFuture.completedFuture(null)
                        : history
                            .recent(
                                customerId,
                                state.sequenceNr() - EVENTS_WITH_CUSTOMER,
                                TOUCHPOINTS_WITH_CUSTOMER,
                                DECISIONS_WITH_CUSTOMER)
                            .thenApply(recent -> CustomerView.of(state, recent)));
    return Problem.awaiting(
        view,
        failure -> Problem.unavailable("The customer's state could not be read in time; retry."),
        shown ->
            shown == null
                ? Problem.notFound("No customer \"" + customerId + "\" has been seen.").answer()
                : complete(Json.response(StatusCodes.OK, shown)));
  }

  /**
   * How the audit log names an erased customer: the first 16 hex digits of the id's SHA-256 (the
   * same digest keys are named by), so the id finds its entry and the entry does not give the id.
   */
  static String erasedName(String customerId) {
    return java.util.HexFormat.of().formatHex(KeyIds.sha256(customerId), 0, 8);
  }
}

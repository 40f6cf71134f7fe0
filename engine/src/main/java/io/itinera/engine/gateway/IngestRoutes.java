package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extract;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.itinera.engine.customer.CustomerCommand.Recorded;
import io.itinera.engine.customer.Customers;
import io.itinera.engine.customer.Shed;
import io.itinera.engine.delivery.DeliveryBacklog;
import io.itinera.engine.metrics.IngestMetrics;
import io.itinera.journeys.decision.PlannedAction;
import io.itinera.protocol.LogSafe;
import io.itinera.protocol.touchpoint.EventTimeWindow;
import io.itinera.protocol.touchpoint.FieldError;
import io.itinera.protocol.touchpoint.IngestLimits;
import io.itinera.protocol.touchpoint.Touchpoint;
import io.itinera.protocol.touchpoint.TouchpointReader;
import io.itinera.protocol.touchpoint.TouchpointReader.Accepted;
import io.itinera.protocol.touchpoint.TouchpointReader.BatchRead;
import io.itinera.protocol.touchpoint.TouchpointReader.Rejected;
import io.itinera.protocol.touchpoint.TouchpointReader.RejectedItem;
import io.itinera.protocol.touchpoint.TouchpointType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Segment-compatible ingest API: {@code POST /v1/track|identify|page|screen|alias|group} and
 * {@code /v1/batch|import}. The 200 comes only after the touchpoints are in their customers'
 * journals; a batch's invalid items are dropped and listed in the reply, the rest accepted.
 */
final class IngestRoutes {

  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);

  /**
   * The reply of a successful ingest call; Segment's clients read only {@code success}. {@code
   * actions} are what the journeys emitted for these touchpoints, so a page or an app that sent one
   * can act on it at once (they also reach their channels through delivery).
   */
  record IngestReply(
      boolean success,
      int recorded,
      int duplicates,
      List<RejectedItem> rejected,
      List<PlannedAction> actions) {}

  private final Customers customers;
  private final Access access;
  private final TouchpointReader reader;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final IdentityRule identityRule;

  IngestRoutes(Customers customers, Access access, EventTimeWindow window, Clock clock) {
    this.customers = customers;
    this.metrics = customers.metrics();
    this.access = access;
    this.reader = new TouchpointReader(Json.MAPPER, window);
    this.clock = clock;
    this.identityRule = new IdentityRule(customers);
  }

  Route routes() {
    List<Route> routes = new ArrayList<>();
    Arrays.stream(TouchpointType.values())
        .forEach(type -> routes.add(metered(type.wireName(), single(type))));
    routes.add(metered("batch", batch("batch")));
    routes.add(metered("import", batch("import")));
    return concat(routes.get(0), routes.subList(1, routes.size()).toArray(Route[]::new));
  }

  // The trees below are built once (see GatewayRoutes#routes); only the body's handling runs per
  // request.
  private Route single(TouchpointType type) {
    Route record =
        access.ingest(
            IngestLimits.MAX_EVENT_BYTES,
            (caller, body) -> {
              TouchpointReader.Read read = reader.readSingle(body, type, Instant.now(clock));
              if (read instanceof Rejected rejected) {
                return Problem.invalidBody(summary(rejected.errors()), rejected.errors()).answer();
              }
              Touchpoint touchpoint = ((Accepted) read).touchpoint();
              if (!IdentityRule.appliesTo(caller)) {
                return recorded(
                    type.wireName(),
                    1,
                    customers.record(touchpoint.customerId(), List.of(touchpoint), false),
                    List.of());
              }
              return Problem.awaiting(
                  identityRule.refused(List.of(touchpoint), i -> ""),
                  failure -> checkFailed(type.wireName(), 1),
                  refused -> {
                    if (!refused.isEmpty()) {
                      FieldError error = refused.get(0);
                      return Problem.invalidBody(summary(List.of(error)), List.of(error)).answer();
                    }
                    return recorded(
                        type.wireName(),
                        1,
                        customers.record(touchpoint.customerId(), List.of(touchpoint), true),
                        List.of());
                  });
            });
    Route guarded = unlessBusy(type.wireName(), record);
    Route posted = post(() -> guarded);
    return path(type.wireName(), () -> posted);
  }

  private Route batch(String name) {
    Route record =
        access.ingest(
            IngestLimits.MAX_BATCH_BYTES,
            (caller, body) -> {
              BatchRead read = reader.readBatch(body, Instant.now(clock));
              if (!read.envelopeErrors().isEmpty()) {
                return Problem.invalidBody(summary(read.envelopeErrors()), read.envelopeErrors())
                    .answer();
              }
              if (read.accepted().isEmpty() && !read.rejected().isEmpty()) {
                List<FieldError> all =
                    read.rejected().stream().flatMap(item -> item.errors().stream()).toList();
                return Problem.invalidBody(
                        "Every message in the batch is invalid. " + summary(all), all)
                    .answer();
              }
              if (!IdentityRule.appliesTo(caller)) {
                return recorded(
                    name,
                    read.accepted().size(),
                    customers.recordAll(read.accepted(), false),
                    read.rejected());
              }
              int[] indexes = acceptedIndexes(read);
              return Problem.awaiting(
                  identityRule.refused(read.accepted(), i -> "/batch/" + indexes[i]),
                  failure -> checkFailed(name, read.accepted().size()),
                  refused -> withoutRefused(name, read, indexes, refused));
            });
    Route guarded = unlessBusy(name, record);
    Route posted = post(() -> guarded);
    return path(name, () -> posted);
  }

  /**
   * Refuses at once, before the key is looked up or the body parsed, while the node's dispatcher is
   * behind ({@code busy}): then a refusal is the cheapest answer it can give, and a request that
   * went on would wait at every step. Only for a body that has arrived whole, as small ones do:
   * answering before reading a streamed one would close the connection. Counted as one touchpoint.
   * With the shed off (the default) the route is left as it is: nothing runs per request.
   */
  private Route unlessBusy(String route, Route inner) {
    if (!customers.shedsWhenBusy()) {
      return inner;
    }
    return extractRequestEntity(
        entity -> {
          if (entity.isStrict()) {
            Optional<Shed> busy = customers.refuseIfBusy();
            if (busy.isPresent()) {
              return shedProblem(route, 1, busy.get()).answer();
            }
          }
          return inner;
        });
  }

  /** Each accepted touchpoint's index in the batch: the indexes that were not rejected. */
  private static int[] acceptedIndexes(BatchRead read) {
    int size = read.accepted().size() + read.rejected().size();
    boolean[] rejected = new boolean[size];
    read.rejected().forEach(item -> rejected[item.index()] = true);
    int[] indexes = new int[read.accepted().size()];
    for (int i = 0, next = 0; i < size; i++) {
      if (!rejected[i]) {
        indexes[next++] = i;
      }
    }
    return indexes;
  }

  /** The batch recorded without the messages the identity rule refused, which join "rejected". */
  private Route withoutRefused(
      String name, BatchRead read, int[] indexes, Map<Integer, FieldError> refused) {
    if (refused.isEmpty()) {
      return recorded(
          name,
          read.accepted().size(),
          customers.recordAll(read.accepted(), true),
          read.rejected());
    }
    List<Touchpoint> allowed = new ArrayList<>();
    List<RejectedItem> rejected = new ArrayList<>(read.rejected());
    for (int i = 0; i < read.accepted().size(); i++) {
      FieldError error = refused.get(i);
      if (error == null) {
        allowed.add(read.accepted().get(i));
      } else {
        rejected.add(new RejectedItem(indexes[i], List.of(error)));
      }
    }
    rejected.sort(Comparator.comparingInt(RejectedItem::index));
    if (allowed.isEmpty()) {
      List<FieldError> all = rejected.stream().flatMap(item -> item.errors().stream()).toList();
      return Problem.invalidBody("Every message in the batch is invalid. " + summary(all), all)
          .answer();
    }
    return recorded(name, allowed.size(), customers.recordAll(allowed, true), rejected);
  }

  private Problem checkFailed(String route, int touchpoints) {
    metrics.rejected(route, "unavailable", touchpoints);
    return Problem.unavailable(
        "The profiles these touchpoints would merge could not be checked in time; nothing was"
            + " recorded. Retry with the same messageId.");
  }

  /**
   * Counts the requests of {@code route} refused as a whole (4xx) by reason; recorded, repeated and
   * unavailable touchpoints are counted where they are known, in {@link #recorded}. Times each
   * request from when its route starts (headers parsed, a small body in hand) to its response.
   */
  private Route metered(String route, Route inner) {
    Route counted = counted(route, inner);
    return extract(
        request -> System.nanoTime(),
        start ->
            mapResponse(
                response -> {
                  metrics.answered(
                      response.status().intValue(), Duration.ofNanos(System.nanoTime() - start));
                  return response;
                },
                () -> counted));
  }

  private Route counted(String route, Route inner) {
    return mapResponse(
        response -> {
          String reason =
              switch (response.status().intValue()) {
                case 400 -> "invalid";
                case 401 -> "unauthorized";
                case 429 -> "rate_limited";
                case 413 -> "too_large";
                case 415 -> "unsupported_media_type";
                default -> null;
              };
          if (reason != null) {
            metrics.rejected(route, reason, 1);
          }
          return response;
        },
        () -> inner);
  }

  private Route recorded(
      String route, int touchpoints, CompletionStage<Recorded> write, List<RejectedItem> rejected) {
    return onComplete(
        write,
        result -> {
          if (result.isSuccess()) {
            Recorded r = result.get();
            metrics.ingested(route, r.recorded(), r.duplicates());
            metrics.rejected(route, "invalid", rejected.size());
            return complete(
                Json.response(
                    StatusCodes.OK,
                    new IngestReply(
                        true,
                        r.recorded(),
                        r.duplicates(),
                        rejected.isEmpty() ? null : rejected,
                        r.actions().isEmpty() ? null : r.actions())));
          }
          Throwable failure = result.failed().get();
          Optional<Shed> shed = Customers.shedIn(failure);
          if (shed.isPresent()) {
            log.debug("Touchpoints refused: {}", LogSafe.quote(failure.getMessage()));
            return shedProblem(route, touchpoints, shed.get()).answer();
          }
          metrics.rejected(route, "unavailable", touchpoints);
          log.warn("Touchpoints not recorded: {}", LogSafe.quote(failure.toString()));
          return Problem.unavailable(
                  "The touchpoints could not be recorded in time; nothing was acknowledged."
                      + " Retry with the same messageId: repeats are not applied twice.")
              .answer();
        });
  }

  /**
   * The 503 for a write admission refused, its {@code reason} and what it concerns as extension
   * members, so a client's logs say whether the engine or a channel's receiver is behind.
   */
  private Problem shedProblem(String route, int touchpoints, Shed shed) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("reason", shed.reason());
    if (shed instanceof Shed.DeliveryBehind behind) {
      metrics.rejected(route, "delivery_behind", touchpoints);
      members.put("channel", behind.channel());
      members.put("ageMs", behind.age().toMillis());
      String what =
          behind.channel().equals(DeliveryBacklog.OUTBOX)
              ? "Actions have waited " + behind.age().toMillis() + " ms to be queued for delivery"
              : "Webhooks of channel \""
                  + behind.channel()
                  + "\" have waited "
                  + behind.age().toMillis()
                  + " ms to be sent";
      return Problem.shed(
          what
              + "; the engine takes no more touchpoints until they catch up, and nothing was"
              + " recorded. Retry after the delay with the same messageId.",
          members);
    }
    if (shed instanceof Shed.Busy busy) {
      metrics.rejected(route, "busy", touchpoints);
      members.put("delayMs", busy.delay().toMillis());
      return Problem.shed(
          "The engine is at capacity: its work waits "
              + busy.delay().toMillis()
              + " ms for a thread. Nothing was recorded. Retry after the delay with the same"
              + " messageId.",
          members);
    }
    Shed.AtLimit limit = (Shed.AtLimit) shed;
    metrics.rejected(route, "overloaded", touchpoints);
    members.put("limit", limit.limit());
    return Problem.shed(
        "The engine is at capacity; nothing was recorded. Retry after the delay with the same"
            + " messageId.",
        members);
  }

  static String summary(List<FieldError> errors) {
    if (errors.isEmpty()) {
      return "The body is not a valid message.";
    }
    FieldError first = errors.get(0);
    String where = first.pointer().isEmpty() ? "" : " (at " + first.pointer() + ")";
    String more =
        errors.size() > 1 ? " " + (errors.size() - 1) + " more problem(s) in errors." : "";
    return first.detail() + where + more;
  }
}

package io.itinera.engine.gateway;

import static io.itinera.engine.gateway.DeliveryViews.event;
import static io.itinera.engine.gateway.DeliveryViews.unavailable;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.itinera.engine.delivery.Delivery;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.delivery.NextAction;
import io.itinera.engine.gateway.DeliveryViews.ActionPageView;
import io.itinera.engine.gateway.DeliveryViews.NextActionView;
import io.itinera.protocol.LogSafe;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a channel reads, with a read key or the admin key: its actions by cursor ({@code GET
 * /v1/channels/{channel}/actions}) and as a Server-Sent Events stream ({@code .../actions/stream}),
 * both read-only (the client keeps its cursor, nothing is acknowledged), and the real-time
 * decision: {@code GET /v1/customers/{id}/next-action} answers what to show and changes nothing,
 * {@code POST /v1/customers/{id}/actions/{actionId}/shown} records that it was shown. See
 * docs/delivery.md.
 */
record ActionFeedRoutes(DeliveryService service, Access access) {

  private static final Logger log = LoggerFactory.getLogger(ActionFeedRoutes.class);

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  /** Rows a stream reads at a time while catching up. */
  private static final int STREAM_PAGE = 500;

  private static final Duration STREAM_HEARTBEAT = Duration.ofSeconds(15);

  /** Built once down to the ids in the path (see GatewayRoutes#routes). */
  Route routes() {
    Route channel = pathPrefix(PathMatchers.segment(), this::actions);
    Route customer = pathPrefix(PathMatchers.segment(), this::customer);
    return concat(pathPrefix("channels", () -> channel), pathPrefix("customers", () -> customer));
  }

  private Route actions(String channel) {
    return pathPrefix(
        "actions",
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        get(
                            () ->
                                reader(
                                    () ->
                                        Params.after(
                                            after ->
                                                Params.limit(
                                                    DEFAULT_LIMIT,
                                                    MAX_LIMIT,
                                                    limit -> page(channel, after, limit)))))),
                path("stream", () -> get(() -> reader(() -> stream(channel))))));
  }

  private Route customer(String customerId) {
    return concat(
        path(
            "next-action",
            () ->
                get(
                    () ->
                        reader(() -> Params.channel(channel -> nextAction(customerId, channel))))),
        pathPrefix(
            "actions",
            () ->
                pathPrefix(
                    PathMatchers.segment(),
                    actionId ->
                        path(
                            "shown",
                            () -> post(() -> reader(() -> shown(customerId, actionId)))))));
  }

  private Route reader(Supplier<Route> inner) {
    return access.require(Scope.READ, "Channels' actions and next-action need", inner);
  }

  private Route page(String channel, long after, int limit) {
    return Problem.awaiting(
        service.blocking().supply(() -> service.deliveries().page(channel, after, limit + 1)),
        failure -> unavailable("The channel's actions could not be read", failure),
        rows -> {
          boolean more = rows.size() > limit;
          List<Delivery> shown = more ? rows.subList(0, limit) : rows;
          String next =
              shown.isEmpty()
                  ? Long.toString(after)
                  : Long.toString(shown.get(shown.size() - 1).cursor());
          return complete(
              Json.response(
                  StatusCodes.OK,
                  new ActionPageView(
                      channel, shown.stream().map(DeliveryViews::event).toList(), next, more)));
        });
  }

  /**
   * The channel's new actions as Server-Sent Events ({@code id}: the cursor, {@code event: action},
   * {@code data}: the CloudEvent), from {@code Last-Event-ID} (a reconnecting client's last), else
   * {@code ?after=}, else from now. Heartbeat comments keep idle connections open.
   */
  private Route stream(String channel) {
    return optionalHeaderValueByName(
        "Last-Event-ID",
        lastEventId -> parameterOptional("after", after -> stream(channel, lastEventId, after)));
  }

  private Route stream(String channel, Optional<String> lastEventId, Optional<String> after) {
    Optional<String> from = lastEventId.filter(id -> !id.isBlank()).or(() -> after);
    return Params.cursor(from)
        .then(
            cursor -> {
              CompletionStage<Long> start =
                  from.isPresent()
                      ? CompletableFuture.completedFuture(cursor)
                      : service.blocking().supply(() -> service.deliveries().lastCursor(channel));
              return Problem.awaiting(
                  start,
                  failure -> unavailable("The channel's actions could not be read", failure),
                  first ->
                      completeOK(events(channel, first), EventStreamMarshalling.toEventStream()));
            });
  }

  private Source<ServerSentEvent, NotUsed> events(String channel, long start) {
    AtomicLong cursor = new AtomicLong(start);
    Source<String, NotUsed> wakeUps =
        Source.<String>queue(1)
            .mapMaterializedValue(
                queue ->
                    service
                        .notices()
                        .listen(
                            notice -> {
                              if (notice.channels().contains(channel)) {
                                queue.offer("queued");
                              }
                            }))
            .watchTermination(
                (stopListening, done) -> {
                  done.whenComplete((ok, failure) -> stopListening.run());
                  return NotUsed.notUsed();
                })
            .merge(Source.tick(Duration.ZERO, service.settings().pollInterval(), "tick"));
    return wakeUps
        .flatMapConcat(wake -> newRows(channel, cursor))
        .map(
            row ->
                ServerSentEvent.create(
                    row.event(),
                    Optional.of("action"),
                    Optional.of(Long.toString(row.cursor())),
                    OptionalInt.empty()))
        .keepAlive(STREAM_HEARTBEAT, ServerSentEvent::heartbeat);
  }

  /** The rows after {@code cursor}, page by page as the client takes them, moving the cursor. */
  private Source<Delivery, NotUsed> newRows(String channel, AtomicLong cursor) {
    return Source.unfoldAsync(
            Boolean.TRUE,
            more ->
                !more
                    ? CompletableFuture.completedFuture(
                        Optional.<Pair<Boolean, List<Delivery>>>empty())
                    : service
                        .blocking()
                        .supply(() -> service.deliveries().page(channel, cursor.get(), STREAM_PAGE))
                        .exceptionally(
                            failure -> {
                              log.warn(
                                  "Stream of channel {} not read: {}",
                                  LogSafe.quote(channel),
                                  LogSafe.quote(failure.getMessage()));
                              return List.of();
                            })
                        .thenApply(
                            rows -> {
                              if (!rows.isEmpty()) {
                                cursor.set(rows.get(rows.size() - 1).cursor());
                              }
                              return Optional.of(Pair.create(rows.size() == STREAM_PAGE, rows));
                            }))
        .mapConcat(rows -> rows);
  }

  private Route nextAction(String customerId, String channel) {
    return Problem.awaiting(
        service.nextAction().next(customerId, channel),
        failure -> unavailable("The next action could not be read in time", failure),
        shown ->
            shown
                .map(
                    d ->
                        complete(
                            Json.response(
                                StatusCodes.OK, new NextActionView(customerId, channel, event(d)))))
                .orElseGet(() -> complete(StatusCodes.NO_CONTENT)));
  }

  private Route shown(String customerId, String actionId) {
    return Problem.awaiting(
        service.nextAction().recordShown(customerId, actionId),
        failure -> unavailable("The showing could not be recorded in time", failure),
        outcome -> {
          if (outcome instanceof NextAction.Recorded) {
            return complete(StatusCodes.NO_CONTENT);
          }
          if (outcome instanceof NextAction.Refused refused) {
            return Problem.conflict(
                    "Action \""
                        + actionId
                        + "\" was not recorded as shown: "
                        + refused.reason()
                        + ". Do not show it; GET next-action for what to show instead.")
                .answer();
          }
          return Problem.notFound(
                  "Customer \""
                      + customerId
                      + "\" has no action \""
                      + actionId
                      + "\"; the id is the \"id\" of the action next-action gave.")
              .answer();
        });
  }
}

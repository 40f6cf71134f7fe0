package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeOK;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.delivery.ChannelEndpoint;
import io.itinera.engine.delivery.Deliveries;
import io.itinera.engine.delivery.Delivery;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.delivery.DeliverySettings;
import io.itinera.protocol.touchpoint.FieldError;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Action delivery over HTTP: channel endpoints ({@code /v1/channels}, admin key), the delivery
 * queue and its dead letters ({@code /v1/deliveries}, admin key), a channel's actions by cursor and
 * as a Server-Sent Events stream ({@code /v1/channels/{channel}/actions}, write key), and the
 * real-time decision ({@code /v1/customers/{id}/next-action}, write key). See docs/delivery.md.
 */
final class DeliveryRoutes {

  private static final Logger log = LoggerFactory.getLogger(DeliveryRoutes.class);

  private static final long MAX_BODY = 32 * 1024;
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  /** Rows a stream reads at a time while catching up. */
  private static final int STREAM_PAGE = 500;

  private static final Duration STREAM_HEARTBEAT = Duration.ofSeconds(15);

  /**
   * A channel's endpoint as the API shows it; {@code secret} only to the one who set it and on
   * {@code GET /v1/channels/{channel}}, {@code pending} and {@code dead} only in the list.
   */
  record ChannelView(
      String channel,
      String url,
      String secret,
      long timeoutMs,
      int maxInFlight,
      int rateLimit,
      boolean enabled,
      String disabledReason,
      String origin,
      Instant updatedAt,
      Long pending,
      Long dead) {

    static ChannelView of(ChannelEndpoint e, boolean withSecret, Map<Status, Long> backlog) {
      return new ChannelView(
          e.channel(),
          e.url(),
          withSecret ? e.secret() : null,
          e.timeout().toMillis(),
          e.maxInFlight(),
          e.rateLimit(),
          e.enabled(),
          e.disabledReason(),
          e.origin(),
          e.updatedAt(),
          backlog == null ? null : backlog.getOrDefault(Status.PENDING, 0L),
          backlog == null ? null : backlog.getOrDefault(Status.DEAD, 0L));
    }
  }

  record ChannelListView(List<ChannelView> channels) {}

  /** A delivery; {@code event} (the CloudEvent as sent) only when one is asked for by id. */
  record DeliveryView(
      String id,
      String channel,
      String customerId,
      String journey,
      String status,
      int attempts,
      Instant nextAttemptAt,
      Instant lastAttemptAt,
      Integer lastStatus,
      String lastError,
      Instant decidedAt,
      Instant queuedAt,
      Instant deliveredAt,
      String cursor,
      JsonNode event) {

    static DeliveryView of(Delivery d, boolean withEvent) {
      return new DeliveryView(
          d.actionId(),
          d.channel(),
          d.customerId(),
          d.journey(),
          d.status().wireName(),
          d.attempts(),
          d.nextAttemptAt(),
          d.lastAttemptAt(),
          d.lastStatus(),
          d.lastError(),
          d.emittedAt(),
          d.queuedAt(),
          d.deliveredAt(),
          Long.toString(d.cursor()),
          withEvent ? DeliveryRoutes.event(d) : null);
    }
  }

  /** A page of deliveries; {@code next} is the {@code after} of the next page, null at the end. */
  record DeliveryListView(List<DeliveryView> deliveries, String next) {}

  /**
   * A page of a channel's actions, as CloudEvents; {@code next} is the cursor to pass as {@code
   * after} for the following page (the same as given when there was nothing new).
   */
  record ActionPageView(String channel, List<JsonNode> actions, String next, boolean hasMore) {}

  /** What a page should show now; {@code action} is the CloudEvent. */
  record NextActionView(String customerId, String channel, JsonNode action) {}

  private final DeliveryService service;
  private final ApiKeys keys;

  DeliveryRoutes(DeliveryService service, ApiKeys keys) {
    this.service = service;
    this.keys = keys;
  }

  Route routes() {
    return concat(
        pathPrefix(
            "channels",
            () ->
                concat(
                    pathEndOrSingleSlash(() -> get(() -> admin(this::listChannels))),
                    pathPrefix(
                        PathMatchers.segment(),
                        channel ->
                            concat(
                                pathEndOrSingleSlash(
                                    () ->
                                        concat(
                                            put(() -> admin(() -> putChannel(channel))),
                                            get(() -> admin(() -> showChannel(channel))),
                                            delete(() -> admin(() -> deleteChannel(channel))))),
                                pathPrefix(
                                    "actions",
                                    () ->
                                        concat(
                                            pathEndOrSingleSlash(
                                                () ->
                                                    get(
                                                        () ->
                                                            reader(
                                                                () ->
                                                                    parameterOptional(
                                                                        "after",
                                                                        after ->
                                                                            parameterOptional(
                                                                                "limit",
                                                                                limit ->
                                                                                    page(
                                                                                        channel,
                                                                                        after,
                                                                                        limit)))))),
                                            path(
                                                "stream",
                                                () ->
                                                    get(
                                                        () ->
                                                            reader(
                                                                () ->
                                                                    parameterOptional(
                                                                        "after",
                                                                        after ->
                                                                            stream(
                                                                                channel,
                                                                                after))))))))))),
        pathPrefix(
            "deliveries",
            () ->
                concat(
                    pathEndOrSingleSlash(
                        () ->
                            get(
                                () ->
                                    admin(
                                        () ->
                                            parameterOptional(
                                                "status",
                                                status ->
                                                    parameterOptional(
                                                        "channel",
                                                        channel ->
                                                            parameterOptional(
                                                                "after",
                                                                after ->
                                                                    parameterOptional(
                                                                        "limit",
                                                                        limit ->
                                                                            listDeliveries(
                                                                                status, channel,
                                                                                after,
                                                                                limit)))))))),
                    pathPrefix(
                        PathMatchers.segment(),
                        id ->
                            concat(
                                pathEndOrSingleSlash(
                                    () -> get(() -> admin(() -> showDelivery(id)))),
                                path("retry", () -> post(() -> admin(() -> retry(id)))))))),
        pathPrefix(
            "customers",
            () ->
                pathPrefix(
                    PathMatchers.segment(),
                    customerId ->
                        path(
                            "next-action",
                            () ->
                                get(
                                    () ->
                                        reader(
                                            () ->
                                                parameterOptional(
                                                    "channel",
                                                    channel ->
                                                        nextAction(customerId, channel))))))));
  }

  // Keys.

  private Route admin(Supplier<Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> key = ApiKeys.presented(credentials);
          if (key.isEmpty() || !keys.isAdminKey(key.get())) {
            return IngestRoutes.unauthorized(
                "Channels and deliveries need the admin key in the Authorization header (HTTP Basic"
                    + " user name or Bearer token); a write key is not enough.");
          }
          return inner.get();
        });
  }

  private Route reader(Supplier<Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> key = ApiKeys.presented(credentials);
          if (key.isEmpty() || !(keys.isWriteKey(key.get()) || keys.isAdminKey(key.get()))) {
            return IngestRoutes.unauthorized(
                "Reading a channel's actions needs a write key or the admin key in the"
                    + " Authorization header (HTTP Basic user name or Bearer token).");
          }
          return inner.get();
        });
  }

  // Channels.

  private Route listChannels() {
    return answer(
        service
            .blocking()
            .supply(
                () -> {
                  Map<String, Map<Status, Long>> backlog = service.deliveries().backlog();
                  List<ChannelView> views = new ArrayList<>();
                  for (ChannelEndpoint endpoint : service.endpoints().all()) {
                    views.add(
                        ChannelView.of(
                            endpoint, false, backlog.getOrDefault(endpoint.channel(), Map.of())));
                  }
                  return new ChannelListView(views);
                }),
        "The channels could not be read",
        view -> complete(Json.response(StatusCodes.OK, view)));
  }

  private Route showChannel(String channel) {
    return answer(
        service.blocking().supply(() -> service.endpoints().get(channel)),
        "The channel could not be read",
        endpoint ->
            endpoint
                .map(e -> complete(Json.response(StatusCodes.OK, ChannelView.of(e, true, null))))
                .orElseGet(() -> noEndpoint(channel)));
  }

  private Route deleteChannel(String channel) {
    return answer(
        service.blocking().supply(() -> service.endpoints().delete(channel)),
        "The channel could not be changed",
        deleted -> {
          if (!deleted) {
            return noEndpoint(channel);
          }
          service.notices().endpointsChanged();
          return complete(StatusCodes.NO_CONTENT);
        });
  }

  private Route putChannel(String channel) {
    return JsonBody.read(
        MAX_BODY,
        body -> {
          List<FieldError> errors = new ArrayList<>();
          ChannelEndpoint.Settings settings = settings(channel, body, errors);
          if (!errors.isEmpty()) {
            return invalid(channelPath(channel), errors);
          }
          for (ChannelEndpoint.Problem problem : settings.problems()) {
            errors.add(
                new FieldError(
                    problem.field() == null ? "" : "/" + problem.field(),
                    sentence(problem.detail())));
          }
          if (!errors.isEmpty()) {
            return invalid(channelPath(channel), errors);
          }
          return answer(
              service
                  .blocking()
                  .supply(
                      () ->
                          service
                              .endpoints()
                              .put(settings, ChannelEndpoint.FROM_API, service.clock().instant())),
              "The channel could not be set",
              put -> {
                service.notices().endpointsChanged();
                ChannelView view = ChannelView.of(put.endpoint(), true, null);
                return put.created()
                    ? complete(
                        Json.response(StatusCodes.CREATED, view)
                            .addHeader(Location.create(channelPath(channel))))
                    : complete(Json.response(StatusCodes.OK, view));
              });
        });
  }

  /**
   * The PUT body as settings, the endpoint defaults where it is silent; type errors to {@code
   * errors}.
   */
  private ChannelEndpoint.Settings settings(
      String channel, JsonNode body, List<FieldError> errors) {
    if (!body.isObject()) {
      errors.add(new FieldError("", "The body must be a JSON object with at least \"url\"."));
      return null;
    }
    DeliverySettings defaults = service.settings();
    String url = text(body, "url", true, errors);
    String secret = text(body, "secret", false, errors);
    Integer timeoutMs = integer(body, "timeoutMs", errors);
    Integer maxInFlight = integer(body, "maxInFlight", errors);
    Integer rateLimit = integer(body, "rateLimit", errors);
    return new ChannelEndpoint.Settings(
        channel,
        url,
        secret,
        timeoutMs == null ? defaults.defaultTimeout() : Duration.ofMillis(timeoutMs),
        maxInFlight == null ? defaults.defaultMaxInFlight() : maxInFlight,
        rateLimit == null ? defaults.defaultRateLimit() : rateLimit);
  }

  private static String text(
      JsonNode body, String field, boolean required, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        errors.add(new FieldError("/" + field, "\"" + field + "\" is required."));
      }
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError("/" + field, "\"" + field + "\" must be a string."));
      return null;
    }
    return value.asText();
  }

  private static Integer integer(JsonNode body, String field, List<FieldError> errors) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber()) {
      errors.add(new FieldError("/" + field, "\"" + field + "\" must be a whole number."));
      return null;
    }
    return value.asInt();
  }

  private static Route noEndpoint(String channel) {
    return complete(
        Problem.notFound(
                "Channel \""
                    + channel
                    + "\" has no endpoint; PUT one, or GET /v1/channels to list them.")
            .at(channelPath(channel))
            .toResponse());
  }

  private static String channelPath(String channel) {
    return "/v1/channels/" + channel;
  }

  // Deliveries.

  private Route listDeliveries(
      Optional<String> statusParameter,
      Optional<String> channelParameter,
      Optional<String> afterParameter,
      Optional<String> limitParameter) {
    String at = "/v1/deliveries";
    Status status;
    try {
      status = statusParameter.map(Status::ofWireName).orElse(null);
    } catch (IllegalArgumentException e) {
      return badParameter(
          at,
          "status",
          "\"status\" must be pending, dead, delivered, available or withdrawn; it was \""
              + statusParameter.get()
              + "\".");
    }
    Optional<Long> after = cursor(afterParameter);
    if (after.isEmpty()) {
      return badCursor(at, afterParameter.get());
    }
    Optional<Integer> limit = limit(limitParameter);
    if (limit.isEmpty()) {
      return badLimit(at, limitParameter.get());
    }
    return answer(
        service
            .blocking()
            .supply(
                () ->
                    service
                        .deliveries()
                        .list(status, channelParameter.orElse(null), after.get(), limit.get())),
        "The deliveries could not be read",
        rows -> {
          List<DeliveryView> views = rows.stream().map(d -> DeliveryView.of(d, false)).toList();
          String next =
              rows.size() < limit.get() ? null : Long.toString(rows.get(rows.size() - 1).id());
          return complete(Json.response(StatusCodes.OK, new DeliveryListView(views, next)));
        });
  }

  private Route showDelivery(String id) {
    return answer(
        service.blocking().supply(() -> service.deliveries().get(id)),
        "The delivery could not be read",
        delivery ->
            delivery
                .map(d -> complete(Json.response(StatusCodes.OK, DeliveryView.of(d, true))))
                .orElseGet(() -> noDelivery(id)));
  }

  private Route retry(String id) {
    return answer(
        service
            .blocking()
            .supply(
                () -> {
                  Deliveries.RetryResult result =
                      service.deliveries().retry(id, service.clock().instant());
                  return Pair.create(result, service.deliveries().get(id));
                }),
        "The delivery could not be retried",
        result ->
            switch (result.first()) {
              case NOT_FOUND -> noDelivery(id);
              case NO_ENDPOINT ->
                  complete(
                      Problem.conflict(
                              "Channel \""
                                  + result.second().map(Delivery::channel).orElse("?")
                                  + "\" has no webhook endpoint to send it to; PUT one first (pull"
                                  + " and stream clients read the action without a retry).")
                          .at("/v1/deliveries/" + id + "/retry")
                          .toResponse());
              case QUEUED -> {
                result
                    .second()
                    .ifPresent(d -> service.notices().channelsQueued(List.of(d.channel())));
                yield complete(
                    Json.response(
                        StatusCodes.ACCEPTED,
                        DeliveryView.of(result.second().orElseThrow(), false)));
              }
            });
  }

  private static Route noDelivery(String id) {
    return complete(
        Problem.notFound("No delivery \"" + id + "\"; the id of a delivery is its action's id.")
            .at("/v1/deliveries/" + id)
            .toResponse());
  }

  // Pull and stream.

  private Route page(
      String channel, Optional<String> afterParameter, Optional<String> limitParameter) {
    String at = channelPath(channel) + "/actions";
    Optional<Long> after = cursor(afterParameter);
    if (after.isEmpty()) {
      return badCursor(at, afterParameter.get());
    }
    Optional<Integer> limit = limit(limitParameter);
    if (limit.isEmpty()) {
      return badLimit(at, limitParameter.get());
    }
    return answer(
        service
            .blocking()
            .supply(() -> service.deliveries().page(channel, after.get(), limit.get() + 1)),
        "The channel's actions could not be read",
        rows -> {
          boolean more = rows.size() > limit.get();
          List<Delivery> shown = more ? rows.subList(0, limit.get()) : rows;
          String next =
              shown.isEmpty()
                  ? Long.toString(after.get())
                  : Long.toString(shown.get(shown.size() - 1).cursor());
          return complete(
              Json.response(
                  StatusCodes.OK,
                  new ActionPageView(
                      channel, shown.stream().map(DeliveryRoutes::event).toList(), next, more)));
        });
  }

  /**
   * The channel's new actions as Server-Sent Events ({@code id}: the cursor, {@code event: action},
   * {@code data}: the CloudEvent), from {@code Last-Event-ID} (a reconnecting client's last), else
   * {@code ?after=}, else from now. Heartbeat comments keep idle connections open.
   */
  private Route stream(String channel, Optional<String> afterParameter) {
    return optionalHeaderValueByName(
        "Last-Event-ID",
        lastEventId -> {
          Optional<String> from = lastEventId.filter(id -> !id.isBlank()).or(() -> afterParameter);
          Optional<Long> after = cursor(from);
          if (after.isEmpty()) {
            return badCursor(channelPath(channel) + "/actions/stream", from.get());
          }
          CompletionStage<Long> start =
              from.isPresent()
                  ? CompletableFuture.completedFuture(after.get())
                  : service.blocking().supply(() -> service.deliveries().lastCursor(channel));
          return answer(
              start,
              "The channel's actions could not be read",
              cursor ->
                  completeOK(events(channel, cursor), EventStreamMarshalling.toEventStream()));
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
                                  channel,
                                  failure.getMessage());
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

  // Real-time decision.

  private Route nextAction(String customerId, Optional<String> channelParameter) {
    String at = "/v1/customers/" + customerId + "/next-action";
    if (channelParameter.isEmpty()
        || !ChannelEndpoint.CHANNEL_NAME.matcher(channelParameter.get()).matches()) {
      return badParameter(
          at, "channel", "\"channel\" is required: the channel asking, e.g. ?channel=web.");
    }
    String channel = channelParameter.get();
    return answer(
        service.nextAction().next(customerId, channel),
        "The next action could not be decided in time",
        shown ->
            shown
                .map(
                    d ->
                        complete(
                            Json.response(
                                StatusCodes.OK, new NextActionView(customerId, channel, event(d)))))
                .orElseGet(() -> complete(StatusCodes.NO_CONTENT)));
  }

  // Shared.

  private static <T> Route answer(CompletionStage<T> work, String what, Function<T, Route> inner) {
    return onComplete(
        work,
        result -> {
          if (result.isFailure()) {
            log.warn("{}: {}", what, result.failed().get().toString());
            return complete(
                Problem.unavailable(
                        what + " (the database or the customer did not answer in time); retry.")
                    .toResponse()
                    .addHeader(RetryAfter.create(1L)));
          }
          return inner.apply(result.get());
        });
  }

  private static JsonNode event(Delivery delivery) {
    try {
      return Json.MAPPER.readTree(delivery.event());
    } catch (IOException e) {
      throw new IllegalStateException("A stored action is not JSON", e);
    }
  }

  private static Optional<Long> cursor(Optional<String> parameter) {
    if (parameter.isEmpty()) {
      return Optional.of(0L);
    }
    try {
      long value = Long.parseLong(parameter.get().trim());
      return value < 0 ? Optional.empty() : Optional.of(value);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<Integer> limit(Optional<String> parameter) {
    if (parameter.isEmpty()) {
      return Optional.of(DEFAULT_LIMIT);
    }
    try {
      int value = Integer.parseInt(parameter.get().trim());
      return value < 1 || value > MAX_LIMIT ? Optional.empty() : Optional.of(value);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Route badCursor(String at, String value) {
    return badParameter(
        at,
        "after",
        "A cursor must be one a previous reply gave (\"next\", or an event's id); it was \""
            + value
            + "\".");
  }

  private static Route badLimit(String at, String value) {
    return badParameter(
        at,
        "limit",
        "\"limit\" must be a whole number from 1 to " + MAX_LIMIT + "; it was \"" + value + "\".");
  }

  private static Route badParameter(String at, String name, String detail) {
    return complete(Problem.invalidParameter(name, detail).at(at).toResponse());
  }

  private static Route invalid(String at, List<FieldError> errors) {
    return complete(
        Problem.invalidBody(
                "The channel's settings are not valid: "
                    + errors.get(0).detail()
                    + (errors.size() > 1
                        ? " (and " + (errors.size() - 1) + " more in \"errors\")"
                        : ""),
                errors)
            .at(at)
            .toResponse());
  }

  private static String sentence(String text) {
    String capital = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    return capital.endsWith(".") ? capital : capital + ".";
  }
}

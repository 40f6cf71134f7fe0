package io.itinera.engine.gateway;

import static io.itinera.engine.gateway.DeliveryViews.unavailable;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.delivery.ChannelEndpoint;
import io.itinera.engine.delivery.ChannelEndpoints;
import io.itinera.engine.delivery.Deliveries;
import io.itinera.engine.delivery.Delivery;
import io.itinera.engine.delivery.Delivery.Status;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.delivery.DeliverySettings;
import io.itinera.engine.delivery.ReceiverAddresses;
import io.itinera.engine.gateway.DeliveryViews.ChannelListView;
import io.itinera.engine.gateway.DeliveryViews.ChannelView;
import io.itinera.engine.gateway.DeliveryViews.DeliveryListView;
import io.itinera.engine.gateway.DeliveryViews.DeliveryView;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.protocol.touchpoint.FieldError;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;

/**
 * Delivery administration over HTTP, admin key only: channel endpoints ({@code /v1/channels}) and
 * the delivery queue with its dead letters ({@code /v1/deliveries}). See docs/delivery.md.
 */
record DeliveryAdminRoutes(DeliveryService service, Access access, AuditTrail auditTrail) {

  private static final long MAX_BODY = 32 * 1024;
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  /** Built once down to the ids in the path (see GatewayRoutes#routes). */
  Route routes() {
    return concat(channels(), deliveries());
  }

  private Route channels() {
    Route list = get(() -> admin(this::listChannels));
    return GatewayRoutes.collection("channels", list, this::channel);
  }

  private Route channel(String channel) {
    return pathEndOrSingleSlash(
        () ->
            concat(
                put(() -> adminNamed(who -> putChannel(who, channel))),
                get(() -> admin(() -> showChannel(channel))),
                delete(() -> adminNamed(who -> deleteChannel(who, channel)))));
  }

  private Route deliveries() {
    Route list =
        get(
            () ->
                admin(
                    () ->
                        Params.status(
                            status ->
                                parameterOptional(
                                    "channel",
                                    channel ->
                                        Params.after(
                                            after ->
                                                Params.limit(
                                                    DEFAULT_LIMIT,
                                                    MAX_LIMIT,
                                                    limit ->
                                                        listDeliveries(
                                                            status, channel, after, limit)))))));
    return GatewayRoutes.collection("deliveries", list, this::delivery);
  }

  private Route delivery(String id) {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> admin(() -> showDelivery(id)))),
        path("retry", () -> post(() -> adminNamed(who -> retry(who, id)))));
  }

  private Route admin(Supplier<Route> inner) {
    return access.require(Scope.ADMIN, "Channels and deliveries need", inner);
  }

  /** As {@link #admin}, with the caller's key id for the audit log. */
  private Route adminNamed(Function<String, Route> inner) {
    return access.requireNamed(Scope.ADMIN, "Channels and deliveries need", inner);
  }

  private Route listChannels() {
    return readOrWrite(
        this::channelList,
        "The channels could not be read",
        view -> complete(Json.response(StatusCodes.OK, view)));
  }

  private ChannelListView channelList() throws SQLException {
    Map<String, Map<Status, Long>> backlog = service.deliveries().backlog();
    List<ChannelView> views = new ArrayList<>();
    for (ChannelEndpoint endpoint : service.endpoints().all()) {
      views.add(
          ChannelView.of(endpoint, false, backlog.getOrDefault(endpoint.channel(), Map.of())));
    }
    return new ChannelListView(views);
  }

  private Route showChannel(String channel) {
    return showOne(
        () -> service.endpoints().get(channel),
        "The channel could not be read",
        endpoint -> ChannelView.of(endpoint, true, null),
        () -> noEndpoint(channel));
  }

  /** Reads one row and shows it as its view, or says it is not there. */
  private <T> Route showOne(
      BlockingSql.Work<Optional<T>> read,
      String what,
      Function<T, Object> view,
      Supplier<Route> missing) {
    return readOrWrite(
        read,
        what,
        found ->
            found
                .map(row -> complete(Json.response(StatusCodes.OK, view.apply(row))))
                .orElseGet(missing));
  }

  private Route deleteChannel(String who, String channel) {
    return readOrWrite(
        () -> service.endpoints().delete(channel),
        "The channel could not be changed",
        deleted -> {
          if (!deleted) {
            return noEndpoint(channel);
          }
          service.notices().endpointsChanged();
          return auditTrail.recorded(
              who, "channel.delete", channel, Map.of(), () -> complete(StatusCodes.NO_CONTENT));
        });
  }

  private Route putChannel(String who, String channel) {
    return RequestBody.read(MAX_BODY, RequestBody.JSON, body -> putChannel(who, channel, body));
  }

  private Route putChannel(String who, String channel, JsonNode body) {
    List<FieldError> errors = new ArrayList<>();
    ChannelEndpoint.Settings settings = settings(channel, body, errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    for (ChannelEndpoint.Problem problem : settings.problems()) {
      errors.add(
          new FieldError(
              problem.field() == null ? "" : "/" + problem.field(), sentence(problem.detail())));
    }
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    // The host is looked up in DNS, which blocks: on the blocking pool with the write.
    return readOrWrite(
        () -> {
          Optional<ReceiverAddresses.Refusal> refusal = service.addresses().check(settings.url());
          return refusal.isPresent()
              ? new PutOutcome(refusal.get(), null)
              : new PutOutcome(
                  null,
                  service
                      .endpoints()
                      .put(settings, ChannelEndpoint.FROM_API, service.clock().instant()));
        },
        "The channel could not be set",
        outcome ->
            outcome.refusal() != null
                ? invalid(List.of(new FieldError("/url", sentence(outcome.refusal().detail()))))
                // Whether it was created, not the URL: a URL may carry a token in its query.
                : auditTrail.recorded(
                    who,
                    "channel.put",
                    channel,
                    Map.of("created", outcome.put().created()),
                    () -> channelSet(channel, outcome.put())));
  }

  /** A PUT's outcome: refused for its receiver's address (and not written), or set. */
  private record PutOutcome(ReceiverAddresses.Refusal refusal, ChannelEndpoints.Put put) {}

  private Route channelSet(String channel, ChannelEndpoints.Put put) {
    service.notices().endpointsChanged();
    ChannelView view = ChannelView.of(put.endpoint(), true, null);
    return put.created()
        ? complete(
            Json.response(StatusCodes.CREATED, view)
                .addHeader(Location.create(channelPath(channel))))
        : complete(Json.response(StatusCodes.OK, view));
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
    return Problem.notFound(
            "Channel \""
                + channel
                + "\" has no endpoint; PUT one, or GET /v1/channels to list them.")
        .answer();
  }

  private static String channelPath(String channel) {
    return "/v1/channels/" + channel;
  }

  private Route listDeliveries(
      Optional<Status> status, Optional<String> channel, long after, int limit) {
    return readOrWrite(
        () -> service.deliveries().list(status.orElse(null), channel.orElse(null), after, limit),
        "The deliveries could not be read",
        rows -> {
          List<DeliveryView> views = rows.stream().map(d -> DeliveryView.of(d, false)).toList();
          String next = rows.size() < limit ? null : Long.toString(rows.get(rows.size() - 1).id());
          return complete(Json.response(StatusCodes.OK, new DeliveryListView(views, next)));
        });
  }

  private Route showDelivery(String id) {
    return showOne(
        () -> service.deliveries().get(id),
        "The delivery could not be read",
        delivery -> DeliveryView.of(delivery, true),
        () -> noDelivery(id));
  }

  private Route retry(String who, String id) {
    return readOrWrite(
        () -> retryNow(id),
        "The delivery could not be retried",
        result ->
            result.first() == Deliveries.RetryResult.QUEUED
                ? auditTrail.recorded(
                    who,
                    "delivery.retry",
                    id,
                    Map.of("channel", result.second().map(Delivery::channel).orElse("")),
                    () -> retried(id, result.first(), result.second()))
                : retried(id, result.first(), result.second()));
  }

  private Pair<Deliveries.RetryResult, Optional<Delivery>> retryNow(String id) throws SQLException {
    Deliveries.RetryResult result = service.deliveries().retry(id, service.clock().instant());
    return Pair.create(result, service.deliveries().get(id));
  }

  private Route retried(String id, Deliveries.RetryResult result, Optional<Delivery> delivery) {
    return switch (result) {
      case NOT_FOUND -> noDelivery(id);
      case NO_ENDPOINT ->
          Problem.conflict(
                  "Channel \""
                      + delivery.map(Delivery::channel).orElse("?")
                      + "\" has no webhook endpoint to send it to; PUT one first (pull"
                      + " and stream clients read the action without a retry).")
              .answer();
      case QUEUED -> {
        delivery.ifPresent(d -> service.notices().channelsQueued(List.of(d.channel())));
        yield complete(
            Json.response(StatusCodes.ACCEPTED, DeliveryView.of(delivery.orElseThrow(), false)));
      }
    };
  }

  private static Route noDelivery(String id) {
    return Problem.notFound("No delivery \"" + id + "\"; the id of a delivery is its action's id.")
        .answer();
  }

  private static Route invalid(List<FieldError> errors) {
    return Problem.invalidFields("The channel's settings", errors).answer();
  }

  private static String sentence(String text) {
    String capital = Character.toUpperCase(text.charAt(0)) + text.substring(1);
    return capital.endsWith(".") ? capital : capital + ".";
  }

  /** Runs {@code sql} on the blocking dispatcher; a 503 when it fails, saying {@code what} did. */
  private <T> Route readOrWrite(BlockingSql.Work<T> sql, String what, Function<T, Route> inner) {
    return Problem.awaiting(
        service.blocking().supply(sql), failure -> unavailable(what, failure), inner);
  }
}

package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.options;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.reject;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import io.itinera.engine.analytics.Analytics;
import io.itinera.engine.audit.Audit;
import io.itinera.engine.console.ConsoleRoutes;
import io.itinera.engine.customer.CustomerHistory;
import io.itinera.engine.customer.Customers;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.entry.EntryRunLog;
import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.engine.replay.Replays;
import io.itinera.protocol.touchpoint.EventTimeWindow;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowHeaders;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowMethods;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowOrigin;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.HttpOriginRanges;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole HTTP API under {@code /v1}, with the one place where everything that goes wrong becomes
 * an RFC 9457 problem: unknown routes, wrong methods, oversize bodies, unexpected errors, the
 * request timeout. (Requests the server cannot parse are {@link MalformedRequests}'.)
 */
public final class GatewayRoutes {

  private static final Logger log = LoggerFactory.getLogger(GatewayRoutes.class);

  /** Browsers call the ingest API from any site, as they do Segment's. */
  private static final List<HttpHeader> CORS =
      List.of(
          AccessControlAllowOrigin.create(HttpOriginRanges.ALL),
          AccessControlAllowMethods.create(HttpMethods.GET, HttpMethods.POST, HttpMethods.OPTIONS),
          AccessControlAllowHeaders.create("Authorization", "Content-Type", "Last-Event-ID"));

  private final IngestRoutes ingest;
  private final CustomerRoutes customers;
  private final JourneyRoutes journeys;
  private final DeliveryAdminRoutes deliveryAdmin;
  private final ActionFeedRoutes actionFeed;
  private final AuditRoutes auditLog;
  private final KeyRoutes keys;
  private final AnalyticsRoutes analytics;
  private final EntryRoutes entries;

  public GatewayRoutes(
      Customers customers,
      CustomerHistory history,
      JourneyRegistry journeys,
      Analytics analytics,
      DeliveryService delivery,
      KeyRing keys,
      RateLimits rateLimits,
      Audit audit,
      EventTimeWindow eventTimes,
      Replays replays,
      Clock clock,
      EntryRunLog runLog) {
    Access access = new Access(keys, rateLimits);
    AuditTrail auditTrail = new AuditTrail(audit);
    this.ingest = new IngestRoutes(customers, access, eventTimes, clock);
    this.customers =
        new CustomerRoutes(
            customers, history, access, new CustomerExport(customers, history, clock), auditTrail);
    this.analytics = new AnalyticsRoutes(analytics, journeys, access, auditTrail, clock);
    this.journeys =
        new JourneyRoutes(
            journeys,
            access,
            auditTrail,
            this.analytics,
            new ReplayRoutes(journeys, replays, access));
    this.deliveryAdmin = new DeliveryAdminRoutes(delivery, access, auditTrail);
    this.actionFeed = new ActionFeedRoutes(delivery, access);
    this.auditLog = new AuditRoutes(audit, access);
    this.keys = new KeyRoutes(keys, access, auditTrail);
    this.entries = new EntryRoutes(customers, journeys, runLog, access);
  }

  /**
   * Built once: a directive's inner route is a supplier that Pekko HTTP calls on every request, so
   * the tree below each one is made here and only referenced from the lambdas. (Building it in the
   * lambdas rebuilt every route of the API, and the rejection handler, for each request.)
   */
  public Route routes() {
    Route api =
        concat(
            options(() -> complete(StatusCodes.NO_CONTENT)),
            ingest.routes(),
            deliveryAdmin.routes(),
            // Before the customer routes: they would refuse /customers/{id}/next-action.
            actionFeed.routes(),
            customers.routes(),
            // Before the journey routes, which answer any path below a journey's name.
            entries.routes(),
            journeys.routes(),
            analytics.routes(),
            auditLog.routes(),
            keys.routes());
    Route v1 = pathPrefix("v1", () -> api);
    Route withCors = respondWithHeaders(CORS, () -> v1);
    // The console's page and the API reference, beside the API (console.ConsoleRoutes).
    return answeringProblems(concat(withCors, ConsoleRoutes.routes()));
  }

  /**
   * {@code inner} with whatever goes wrong answered as a problem: rejections, exceptions and the
   * server's request timeout (whose own answer is plain text).
   */
  static Route answeringProblems(Route inner) {
    RejectionHandler rejections = rejectionHandler();
    Route rejectionsHandled = handleRejections(rejections, () -> inner);
    Route exceptionsHandled = handleExceptions(exceptionHandler(), () -> rejectionsHandled);
    return withRequestTimeoutResponse(GatewayRoutes::timedOut, () -> exceptionsHandled);
  }

  private static HttpResponse timedOut(HttpRequest request) {
    return Problem.unavailable(
            "No answer within the server's request timeout; the outcome is unknown. Retry later"
                + " (ingest: with the same messageId, repeats are not applied twice).")
        .at(request.getUri().path())
        .toResponse();
  }

  /** A collection at {@code /v1/name}: its list at the root, each member below it by id. */
  static Route collection(String name, Route list, Function<String, Route> member) {
    Route members =
        concat(pathEndOrSingleSlash(() -> list), pathPrefix(PathMatchers.segment(), member));
    return pathPrefix(name, () -> members);
  }

  private static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> RequestBody.JSON.tooLarge(e.limit()).answer())
        .matchAny(
            e -> {
              log.error("Unexpected error while handling a request", e);
              return Problem.internal("An unexpected error occurred; it has been logged.").answer();
            })
        .build();
  }

  private static RejectionHandler rejectionHandler() {
    return RejectionHandler.newBuilder()
        .handleAll(
            MethodRejection.class,
            rejections -> {
              // Every path under /v1 answers a CORS preflight, so OPTIONS alone means no route.
              List<HttpMethod> allowed =
                  rejections.stream()
                      .map(MethodRejection::supported)
                      .filter(method -> !method.equals(HttpMethods.OPTIONS))
                      .toList();
              if (allowed.isEmpty()) {
                return notFound();
              }
              return respondWithHeader(
                  Allow.create(allowed.toArray(new HttpMethod[0])),
                  () ->
                      extractRequest(
                          request ->
                              Problem.methodNotAllowed(
                                      request.method().name()
                                          + " is not allowed on "
                                          + request.getUri().path()
                                          + "; use "
                                          + allowed.stream()
                                              .map(HttpMethod::name)
                                              .collect(Collectors.joining(" or "))
                                          + ".")
                                  .answer()));
            })
        .handleNotFound(notFound())
        .handleAll(Rejection.class, GatewayRoutes::asProblem)
        .build();
  }

  private static Route notFound() {
    return extractRequest(
        request ->
            Problem.notFound(
                    "There is no route "
                        + request.method().name()
                        + " "
                        + request.getUri().path()
                        + "; see docs/openapi.yaml for the API.")
                .answer());
  }

  /**
   * Pekko HTTP's own rejections: its default handler says what was wrong in plain text; clients get
   * that as a problem+json like every other error.
   */
  private static Route asProblem(List<Rejection> rejections) {
    Route rendered =
        handleRejections(
            RejectionHandler.defaultHandler(),
            () ->
                reject(
                    rejections.get(0),
                    rejections.subList(1, rejections.size()).toArray(new Rejection[0])));
    return extractUri(
        uri -> mapResponse(response -> asProblem(response, uri.path()), () -> rendered));
  }

  private static HttpResponse asProblem(HttpResponse response, String path) {
    if (response.entity().getContentType().equals(Problem.CONTENT_TYPE)
        || !(response.entity() instanceof HttpEntity.Strict strict)) {
      return response;
    }
    String detail = strict.getData().decodeString(StandardCharsets.UTF_8);
    int status = response.status().intValue();
    return Problem.ofStatus(status, response.status().reason(), detail)
        .at(path)
        .toResponse()
        .withStatus(response.status())
        .addHeaders(response.getHeaders());
  }
}

package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.options;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import io.itinera.engine.customer.CustomerHistory;
import io.itinera.engine.customer.Customers;
import io.itinera.engine.delivery.DeliveryService;
import io.itinera.engine.journey.JourneyRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowHeaders;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowMethods;
import org.apache.pekko.http.javadsl.model.headers.AccessControlAllowOrigin;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.HttpOriginRanges;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole HTTP API under {@code /v1}, with the one place where everything that goes wrong becomes
 * an RFC 9457 problem: unknown routes, wrong methods, oversize bodies, unexpected errors.
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
  private final DeliveryRoutes delivery;

  public GatewayRoutes(
      Customers customers,
      CustomerHistory history,
      JourneyRegistry journeys,
      DeliveryService delivery,
      ApiKeys keys,
      Clock clock) {
    this.ingest = new IngestRoutes(customers, keys, clock);
    this.customers = new CustomerRoutes(customers, history, keys);
    this.journeys = new JourneyRoutes(journeys, keys);
    this.delivery = new DeliveryRoutes(delivery, keys);
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
            delivery.routes(),
            customers.routes(),
            journeys.routes());
    Route v1 = pathPrefix("v1", () -> api);
    Route withCors = respondWithHeaders(CORS, () -> v1);
    RejectionHandler rejections = rejectionHandler();
    Route rejectionsHandled = handleRejections(rejections, () -> withCors);
    return handleExceptions(exceptionHandler(), () -> rejectionsHandled);
  }

  private static ExceptionHandler exceptionHandler() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(tooLarge(e.limit())))
        .matchAny(
            e -> {
              log.error("Unexpected error while handling a request", e);
              return complete(
                  Problem.internal("An unexpected error occurred; it has been logged.")
                      .toResponse());
            })
        .build();
  }

  static HttpResponse tooLarge(long limit) {
    return Problem.payloadTooLarge(
            "The body is larger than the "
                + limit
                + " bytes this route accepts: 32 KB for one message, 500 KB for a batch.")
        .toResponse();
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
              return extractRequest(
                  request ->
                      complete(
                          Problem.methodNotAllowed(
                                  request.method().name()
                                      + " is not allowed on "
                                      + request.getUri().path()
                                      + "; use "
                                      + allowed.stream()
                                          .map(HttpMethod::name)
                                          .collect(Collectors.joining(" or "))
                                      + ".")
                              .at(request.getUri().path())
                              .toResponse()
                              .addHeader(Allow.create(allowed.toArray(new HttpMethod[0])))));
            })
        .handleNotFound(notFound())
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(GatewayRoutes::asProblem);
  }

  private static Route notFound() {
    return extractRequest(
        request ->
            complete(
                Problem.notFound(
                        "There is no route "
                            + request.method().name()
                            + " "
                            + request.getUri().path()
                            + "; see docs/openapi.yaml for the API.")
                    .at(request.getUri().path())
                    .toResponse()));
  }

  /** Pekko HTTP's own rejections answer in plain text; clients get problem+json from us. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(Problem.CONTENT_TYPE)
        || !(response.entity() instanceof HttpEntity.Strict strict)) {
      return response;
    }
    String detail = strict.getData().decodeString(StandardCharsets.UTF_8);
    int status = response.status().intValue();
    return Problem.ofStatus(status, response.status().reason(), detail)
        .toResponse()
        .withStatus(response.status())
        .addHeaders(response.getHeaders());
  }
}

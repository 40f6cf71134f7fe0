package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import io.itinera.engine.analytics.Analytics;
import io.itinera.engine.analytics.Analytics.Report;
import io.itinera.engine.analytics.Analytics.UnknownJourney;
import io.itinera.engine.analytics.Analytics.UnknownSegment;
import io.itinera.engine.analytics.AnalyticsReport;
import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.engine.journey.JourneyRegistry.JourneyDetails;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.render.SvgRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journey analytics over HTTP: {@code GET /v1/journeys/{name}/analytics} (read scope), as JSON or,
 * with {@code Accept: text/csv}, the funnel as CSV; {@code POST /v1/analytics/rebuild} (admin,
 * audited) counts everything again from the journal; {@code GET /v1/journeys/{name}/diagram.svg}
 * (read scope) draws the journey with those counts.
 */
record AnalyticsRoutes(
    Analytics analytics,
    JourneyRegistry registry,
    Access access,
    AuditTrail auditTrail,
    Clock clock) {

  private static final Logger log = LoggerFactory.getLogger(AnalyticsRoutes.class);

  /** The days a report covers when {@code from} is not given: the last 30, today included. */
  static final int DEFAULT_DAYS = 30;

  record RebuildView(String status, int slices) {}

  Route routes() {
    return pathPrefix(
        "analytics",
        () ->
            path(
                "rebuild",
                () ->
                    post(
                        () ->
                            access.requireNamed(
                                Scope.ADMIN, "Rebuilding analytics needs", this::rebuild))));
  }

  /** {@code GET /v1/journeys/{name}/analytics}, below the journey's path. */
  Route report(String journey) {
    return access.require(Scope.READ, "Journey analytics need", () -> withRange(journey));
  }

  private Route withRange(String journey) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return parameterOptional(
        "to",
        rawTo ->
            Params.date("to", rawTo, today)
                .then(
                    to ->
                        parameterOptional(
                            "from",
                            rawFrom ->
                                Params.date("from", rawFrom, to.minusDays(DEFAULT_DAYS - 1))
                                    .then(from -> withFilters(journey, from, to)))));
  }

  private Route withFilters(String journey, LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      return Problem.invalidParameter(
              "from", "\"from\" (" + from + ") is after \"to\" (" + to + "); swap them.")
          .answer();
    }
    return parameterOptional(
        "version",
        rawVersion ->
            Params.version(rawVersion)
                .then(
                    version ->
                        parameterOptional(
                            "segment",
                            rawSegment ->
                                Params.segment(rawSegment)
                                    .then(
                                        segment ->
                                            report(
                                                journey,
                                                from,
                                                to,
                                                version.orElse(null),
                                                segment)))));
  }

  private Route report(
      String journey, LocalDate from, LocalDate to, Integer version, String segment) {
    return Problem.awaiting(
        registry
            .blocking()
            .supply(() -> registry.get(journey))
            .thenCompose(
                details ->
                    analytics.report(journey, deployed(details), from, to, version, segment)),
        this::unavailable,
        answer -> {
          if (answer instanceof UnknownJourney) {
            return Problem.notFound(
                    "No journey \""
                        + journey
                        + "\" is deployed or was ever counted; GET /v1/journeys lists those that"
                        + " are.")
                .answer();
          }
          if (answer instanceof UnknownSegment unknown) {
            return Problem.invalidParameter(
                    "segment",
                    "Journey \""
                        + journey
                        + "\" has no segment \""
                        + unknown.segment()
                        + "\": it neither declares it nor counted anyone under it.")
                .answer();
          }
          Report report = (Report) answer;
          return optionalHeaderValueByName(
              "Accept",
              accept ->
                  complete(
                      wantsCsv(accept)
                          ? HttpResponse.create()
                              .withStatus(StatusCodes.OK)
                              .withEntity(
                                  HttpEntities.create(
                                      ContentTypes.TEXT_CSV_UTF8, report.report().csv()))
                          : Json.response(StatusCodes.OK, report.report())));
        });
  }

  /**
   * {@code GET /v1/journeys/{name}/diagram.svg}: the deployed journey drawn with the last {@link
   * #DEFAULT_DAYS} days' entries per stage and moves per transition, for the console's page.
   */
  Route diagram(String journey) {
    return access.require(Scope.READ, "Journey diagrams need", () -> drawn(journey));
  }

  private Route drawn(String journey) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    return Problem.awaiting(
        registry
            .blocking()
            .supply(() -> registry.get(journey))
            .thenCompose(
                details -> {
                  Journey deployed = deployed(details);
                  if (deployed == null) {
                    return CompletableFuture.completedFuture(Optional.<String>empty());
                  }
                  return analytics
                      .report(journey, deployed, today.minusDays(DEFAULT_DAYS - 1), today, null, "")
                      .thenApply(
                          answer -> Optional.of(SvgRenderer.render(deployed, counts(answer))));
                }),
        this::unavailable,
        svg ->
            svg.map(
                    image ->
                        complete(
                            HttpResponse.create()
                                .withStatus(StatusCodes.OK)
                                .withEntity(
                                    HttpEntities.create(
                                        MediaTypes.IMAGE_SVG_XML.toContentType(),
                                        image.getBytes(StandardCharsets.UTF_8)))))
                .orElseGet(
                    () ->
                        Problem.notFound(
                                "No journey \""
                                    + journey
                                    + "\" is deployed; GET /v1/journeys lists those that are.")
                            .answer()));
  }

  private static SvgRenderer.Counts counts(Analytics.Answer answer) {
    if (!(answer instanceof Report report)) {
      return SvgRenderer.Counts.NONE;
    }
    Map<String, Long> entered = new HashMap<>();
    Map<String, Long> moved = new HashMap<>();
    for (AnalyticsReport.StageView stage : report.report().funnel()) {
      entered.put(stage.stage(), stage.entered());
      for (AnalyticsReport.NextView next : stage.next()) {
        moved.put(SvgRenderer.Counts.transition(stage.stage(), next.stage()), next.moved());
      }
    }
    return new SvgRenderer.Counts(entered, moved);
  }

  private static Journey deployed(Optional<JourneyDetails> details) {
    return details.map(JourneyDetails::journey).orElse(null);
  }

  /** CSV only when asked for by name: a client accepting anything gets the JSON. */
  private static boolean wantsCsv(Optional<String> accept) {
    return accept.map(value -> value.toLowerCase(Locale.ROOT).contains("text/csv")).orElse(false);
  }

  private Route rebuild(String who) {
    return Problem.awaiting(
        analytics.rebuild(),
        this::unavailable,
        rebuilt ->
            auditTrail.recorded(
                who,
                "analytics.rebuild",
                "analytics",
                Map.of("slices", rebuilt.slices()),
                () ->
                    complete(
                        Json.response(
                            StatusCodes.ACCEPTED,
                            new RebuildView("rebuilding", rebuilt.slices())))));
  }

  private Problem unavailable(Throwable cause) {
    log.warn("Analytics could not be read or rebuilt: {}", cause.toString());
    return Problem.unavailable(
        "Analytics could not be read or rebuilt (the database did not answer); retry.");
  }
}

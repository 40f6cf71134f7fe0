package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.put;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.itinera.engine.journey.DeployOptions;
import io.itinera.engine.journey.DeployResult;
import io.itinera.engine.journey.DeployResult.Conflict;
import io.itinera.engine.journey.DeployResult.Deployed;
import io.itinera.engine.journey.DeployResult.Invalid;
import io.itinera.engine.journey.DeployResult.Unchanged;
import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.engine.journey.JourneyRegistry.JourneyDetails;
import io.itinera.engine.journey.JourneyRegistry.JourneySummary;
import io.itinera.engine.journey.JourneyRegistry.VersionInfo;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.render.MermaidRenderer;
import io.itinera.journeys.render.SvgRenderer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journey registry over HTTP, for designers and their CI: {@code PUT /v1/journeys/{name}}
 * deploys a journey file (or only checks it, {@code ?dryRun=true}), {@code GET /v1/journeys} and
 * {@code GET /v1/journeys/{name}} show what is deployed, {@code GET /v1/journeys/{name}/diagram}
 * draws it as Mermaid, {@code DELETE /v1/journeys/{name}} retires it. Admin key only. (Its
 * analytics, SVG diagram and what-if replay are {@link AnalyticsRoutes}' and {@link
 * ReplayRoutes}'.)
 */
record JourneyRoutes(
    JourneyRegistry registry,
    Access access,
    AuditTrail auditTrail,
    AnalyticsRoutes analytics,
    ReplayRoutes replays) {

  private static final Logger log = LoggerFactory.getLogger(JourneyRoutes.class);

  /** The largest journey file accepted: far above any real one, far below the server's memory. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final String INVALID_JOURNEY = "https://itinera.io/problems/invalid-journey";

  /** One error or warning in a journey file; line and column are left out when unknown. */
  record JourneyProblemItem(String file, Integer line, Integer column, String detail) {

    static JourneyProblemItem of(String file, Diagnostic problem) {
      boolean known = problem.position().isKnown();
      return new JourneyProblemItem(
          file,
          known ? problem.position().line() : null,
          known ? problem.position().column() : null,
          problem.message());
    }

    static List<JourneyProblemItem> all(String file, List<Diagnostic> problems) {
      return problems.stream().map(p -> of(file, p)).toList();
    }

    /**
     * The first {@link #LISTED} of them: a megabyte of unknown keys made a 22 MB reply, which helps
     * nobody and costs the node the memory and the bandwidth.
     */
    static List<JourneyProblemItem> first(String file, List<Diagnostic> problems) {
      return all(file, problems.subList(0, Math.min(LISTED, problems.size())));
    }

    /** How many {@link #first} leaves out, or null (left out of the reply) when none. */
    static Integer omitted(List<Diagnostic> problems) {
      return problems.size() > LISTED ? problems.size() - LISTED : null;
    }
  }

  /** The most errors, and the most warnings, one reply lists. */
  static final int LISTED = 100;

  /**
   * The 422 body for a journey with errors: an RFC 9457 problem whose {@code errors} point into the
   * YAML by line and column (not by JSON Pointer, as for JSON bodies).
   */
  record InvalidJourneyProblem(
      String type,
      String title,
      int status,
      String detail,
      String instance,
      List<JourneyProblemItem> errors,
      Integer errorsOmitted,
      List<JourneyProblemItem> warnings,
      Integer warningsOmitted) {

    /** The fields Segment's SDKs read, as every {@link Problem} has them. */
    @JsonProperty("code")
    String code() {
      return Problem.code(type, title);
    }

    @JsonProperty("message")
    String message() {
      return detail;
    }
  }

  /**
   * The reply of a deployment.
   *
   * @param outcome {@code deployed} (201), {@code unchanged} (200: this version with this source is
   *     deployed already) or {@code valid} (200, dry run: it would be deployed as a new version)
   */
  record DeploymentView(
      String name,
      int version,
      String outcome,
      boolean dryRun,
      Instant deployedAt,
      List<JourneyProblemItem> warnings,
      Integer warningsOmitted) {}

  record JourneyListView(List<JourneySummary> journeys) {}

  /** A deployed journey: its latest version with its source, and every version still running. */
  record JourneyView(
      String name,
      int version,
      String description,
      Integer priority,
      Integer stages,
      Instant deployedAt,
      List<VersionInfo> versions,
      String source,
      List<JourneyProblemItem> warnings) {

    static JourneyView of(JourneyDetails details) {
      String file = details.name() + ".journey.yaml";
      return new JourneyView(
          details.name(),
          details.version(),
          details.journey() == null ? null : details.journey().description(),
          details.journey() == null ? null : details.journey().priority(),
          details.journey() == null ? null : details.journey().stages().size(),
          details.deployedAt(),
          details.versions(),
          details.source(),
          JourneyProblemItem.all(file, details.warnings()));
    }
  }

  /** Built once down to the journey's name (see GatewayRoutes#routes). */
  Route routes() {
    Route list = get(() -> admin(this::list));
    return GatewayRoutes.collection("journeys", list, this::journey);
  }

  private Route journey(String name) {
    return concat(
        pathEndOrSingleSlash(
            () ->
                concat(
                    put(() -> adminNamed(who -> deploy(who, name))),
                    get(() -> admin(() -> show(name))),
                    delete(() -> adminNamed(who -> retire(who, name))))),
        path("diagram", () -> get(() -> admin(() -> diagram(name)))),
        path("analytics", () -> get(() -> analytics.report(name))),
        path(
            "diagram.svg",
            () ->
                concat(
                    get(() -> analytics.diagram(name)),
                    post(() -> admin(() -> drawCandidate(name))))),
        path(
            "replay",
            () -> concat(post(() -> replays.replay(name)), get(() -> replays.progress(name)))));
  }

  private Route admin(Supplier<Route> inner) {
    return access.require(Scope.ADMIN, "Journeys need", inner);
  }

  /** As {@link #admin}, with the caller's key id for the audit log. */
  private Route adminNamed(Function<String, Route> inner) {
    return access.requireNamed(Scope.ADMIN, "Journeys need", inner);
  }

  private static String location(String name) {
    return "/v1/journeys/" + name;
  }

  private Route deploy(String who, String name) {
    return Params.flag(
        "dryRun",
        dryRun ->
            Params.flag(
                "migrate",
                migrate ->
                    RequestBody.read(
                        MAX_BYTES,
                        RequestBody.YAML_TEXT,
                        text -> deploy(who, name, text, dryRun, migrate))));
  }

  private Route deploy(String who, String name, String text, boolean dryRun, boolean migrate) {
    // A dry run deploys nothing, so "migrate" means nothing to it.
    DeployOptions options =
        dryRun
            ? DeployOptions.dryRun()
            : migrate ? DeployOptions.migrating() : DeployOptions.deploy();
    return fromRegistry(
        "The journey could not be deployed",
        () -> registry.deploy(name, name + ".journey.yaml", text, options),
        result -> {
          if (result instanceof Deployed d && !d.dryRun()) {
            return auditTrail.recorded(
                who,
                "journey.deploy",
                d.name(),
                Map.of("version", d.version(), "migrate", migrate),
                () -> deployed(name, result, dryRun));
          }
          return deployed(name, result, dryRun);
        });
  }

  /** The answer to a deployment, or to a replay's invalid candidate. */
  static Route deployed(String name, DeployResult result, boolean dryRun) {
    String file = name + ".journey.yaml";
    if (result instanceof Deployed d) {
      DeploymentView view =
          new DeploymentView(
              d.name(),
              d.version(),
              d.dryRun() ? "valid" : "deployed",
              d.dryRun(),
              d.deployedAt(),
              JourneyProblemItem.first(file, d.warnings()),
              JourneyProblemItem.omitted(d.warnings()));
      if (d.dryRun()) {
        return complete(Json.response(StatusCodes.OK, view));
      }
      return complete(
          Json.response(StatusCodes.CREATED, view).addHeader(Location.create(location(d.name()))));
    }
    if (result instanceof Unchanged u) {
      return complete(
          Json.response(
              StatusCodes.OK,
              new DeploymentView(
                  u.name(),
                  u.version(),
                  "unchanged",
                  dryRun,
                  null,
                  JourneyProblemItem.first(file, u.warnings()),
                  JourneyProblemItem.omitted(u.warnings()))));
    }
    if (result instanceof Invalid invalid) {
      String first = invalid.errors().get(0).format(file);
      String detail =
          "The journey has "
              + (invalid.errors().size() == 1 ? "an error" : invalid.errors().size() + " errors")
              + " and was not deployed; the first: "
              + first
              + (first.matches(".*[.?!]$") ? "" : ".")
              + (invalid.errors().size() > LISTED
                  ? " The first "
                      + LISTED
                      + " are listed in \"errors\"; fix them and send it again."
                  : " Fix every one listed in \"errors\" and send it again.");
      return Problem.located(
          path ->
              Json.response(
                  StatusCodes.UNPROCESSABLE_ENTITY,
                  Problem.CONTENT_TYPE,
                  new InvalidJourneyProblem(
                      INVALID_JOURNEY,
                      "Invalid journey",
                      422,
                      detail,
                      path,
                      JourneyProblemItem.first(file, invalid.errors()),
                      JourneyProblemItem.omitted(invalid.errors()),
                      JourneyProblemItem.first(file, invalid.warnings()),
                      JourneyProblemItem.omitted(invalid.warnings()))));
    }
    Conflict conflict = (Conflict) result;
    return Problem.conflict(conflict.detail()).answer();
  }

  private Route list() {
    return fromRegistry(
        "The journeys could not be listed",
        registry::list,
        journeys -> complete(Json.response(StatusCodes.OK, new JourneyListView(journeys))));
  }

  private Route show(String name) {
    return fromRegistry(
        "The journey could not be read",
        () -> registry.get(name),
        found ->
            found
                .map(details -> complete(Json.response(StatusCodes.OK, JourneyView.of(details))))
                .orElseGet(() -> notDeployed(name)));
  }

  private Route diagram(String name) {
    return fromRegistry(
        "The journey could not be read",
        () -> registry.get(name),
        details -> {
          if (details.isEmpty() || details.get().journey() == null) {
            return notDeployed(name);
          }
          String mermaid = MermaidRenderer.render(details.get().journey());
          return complete(
              HttpResponse.create()
                  .withStatus(StatusCodes.OK)
                  .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, mermaid)));
        });
  }

  /**
   * {@code POST /v1/journeys/{name}/diagram.svg}: a journey file not deployed (the editor's) drawn
   * without counts, or the same 422 as its deployment would be.
   */
  private Route drawCandidate(String name) {
    return RequestBody.read(
        MAX_BYTES,
        RequestBody.YAML_TEXT,
        text ->
            fromRegistry(
                "The journey could not be checked",
                () -> registry.check(name, name + ".journey.yaml", text),
                checked -> {
                  if (checked.invalid() != null) {
                    return deployed(name, checked.invalid(), true);
                  }
                  String svg =
                      SvgRenderer.render(checked.loaded().journey(), SvgRenderer.Counts.NONE);
                  return complete(
                      HttpResponse.create()
                          .withStatus(StatusCodes.OK)
                          .withEntity(
                              HttpEntities.create(
                                  MediaTypes.IMAGE_SVG_XML.toContentType(),
                                  svg.getBytes(StandardCharsets.UTF_8))));
                }));
  }

  private Route retire(String who, String name) {
    return fromRegistry(
        "The journey could not be retired",
        () -> registry.retire(name),
        retired ->
            retired
                ? auditTrail.recorded(
                    who, "journey.retire", name, Map.of(), () -> complete(StatusCodes.NO_CONTENT))
                : notDeployed(name));
  }

  private static Route notDeployed(String name) {
    return Problem.notFound(
            "No journey \"" + name + "\" is deployed; GET /v1/journeys lists those that are.")
        .answer();
  }

  /**
   * Goes on with what a blocking registry call gives; if the registry's database fails it, answers
   * 503 with {@code failing} (and logs why).
   */
  private <T> Route fromRegistry(
      String failing, BlockingSql.Work<T> call, Function<T, Route> inner) {
    return Problem.awaiting(
        registry.blocking().supply(call),
        cause -> {
          log.warn("{}: {}", failing, cause.toString());
          return Problem.unavailable(failing + " (the registry's database did not answer); retry.");
        },
        inner);
  }
}

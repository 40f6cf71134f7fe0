package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractCredentials;
import static org.apache.pekko.http.javadsl.server.Directives.extractEntity;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.put;

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
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.render.MermaidRenderer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journey registry over HTTP, for designers and their CI: {@code PUT /v1/journeys/{name}}
 * deploys a journey file (or only checks it, {@code ?dryRun=true}), {@code GET /v1/journeys} and
 * {@code GET /v1/journeys/{name}} show what is deployed, {@code GET /v1/journeys/{name}/diagram}
 * draws it as Mermaid, {@code DELETE /v1/journeys/{name}} retires it. Admin key only.
 */
final class JourneyRoutes {

  private static final Logger log = LoggerFactory.getLogger(JourneyRoutes.class);

  /** The largest journey file accepted: far above any real one, far below the server's memory. */
  static final long MAX_BYTES = 1024 * 1024;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  /** What a journey file may be sent as; YAML has several names in the wild. */
  private static final Set<String> YAML_TYPES =
      Set.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain");

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
  }

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
      List<JourneyProblemItem> warnings) {}

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
      List<JourneyProblemItem> warnings) {}

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

  private final JourneyRegistry registry;
  private final ApiKeys keys;

  JourneyRoutes(JourneyRegistry registry, ApiKeys keys) {
    this.registry = registry;
    this.keys = keys;
  }

  Route routes() {
    return pathPrefix(
        "journeys",
        () ->
            concat(
                pathEndOrSingleSlash(() -> get(() -> authorized(this::list))),
                pathPrefix(
                    PathMatchers.segment(),
                    name ->
                        concat(
                            pathEndOrSingleSlash(
                                () ->
                                    concat(
                                        put(
                                            () ->
                                                authorized(
                                                    () ->
                                                        parameterOptional(
                                                            "dryRun",
                                                            dryRun ->
                                                                parameterOptional(
                                                                    "migrate",
                                                                    migrate ->
                                                                        deploy(
                                                                            name, dryRun,
                                                                            migrate))))),
                                        get(() -> authorized(() -> show(name))),
                                        delete(() -> authorized(() -> retire(name))))),
                            path("diagram", () -> get(() -> authorized(() -> diagram(name))))))));
  }

  private Route authorized(Supplier<Route> inner) {
    return extractCredentials(
        credentials -> {
          Optional<String> key = ApiKeys.presented(credentials);
          if (key.isEmpty() || !keys.isAdminKey(key.get())) {
            return IngestRoutes.unauthorized(
                "Journeys need the admin key in the Authorization header (HTTP Basic user name or"
                    + " Bearer token); a write key is not enough.");
          }
          return inner.get();
        });
  }

  private static String at(String name) {
    return "/v1/journeys/" + name;
  }

  private Route deploy(
      String name, Optional<String> dryRunParameter, Optional<String> migrateParameter) {
    for (Map.Entry<String, Optional<String>> flag :
        Map.of("dryRun", dryRunParameter, "migrate", migrateParameter).entrySet()) {
      String value = flag.getValue().orElse("false");
      if (!value.equals("true") && !value.equals("false")) {
        return complete(
            Problem.invalidParameter(
                    flag.getKey(),
                    "\"" + flag.getKey() + "\" must be true or false; it was \"" + value + "\".")
                .at(at(name))
                .toResponse());
      }
    }
    boolean dryRun = dryRunParameter.orElse("false").equals("true");
    DeployOptions options =
        dryRun
            ? DeployOptions.dryRun()
            : migrateParameter.orElse("false").equals("true")
                ? DeployOptions.migrating()
                : DeployOptions.deploy();
    return readYaml(
        text ->
            onComplete(
                registry
                    .blocking()
                    .supply(() -> registry.deploy(name, name + ".journey.yaml", text, options)),
                result -> {
                  if (result.isFailure()) {
                    return unavailable("The journey could not be deployed", result.failed().get());
                  }
                  return deployed(name, result.get(), dryRun);
                }));
  }

  private static Route deployed(String name, DeployResult result, boolean dryRun) {
    String file = name + ".journey.yaml";
    if (result instanceof Deployed d) {
      DeploymentView view =
          new DeploymentView(
              d.name(),
              d.version(),
              d.dryRun() ? "valid" : "deployed",
              d.dryRun(),
              d.deployedAt(),
              JourneyProblemItem.all(file, d.warnings()));
      if (d.dryRun()) {
        return complete(Json.response(StatusCodes.OK, view));
      }
      return complete(
          Json.response(StatusCodes.CREATED, view).addHeader(Location.create(at(d.name()))));
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
                  JourneyProblemItem.all(file, u.warnings()))));
    }
    if (result instanceof Invalid invalid) {
      String first = invalid.errors().get(0).format(file);
      String detail =
          "The journey has "
              + (invalid.errors().size() == 1 ? "an error" : invalid.errors().size() + " errors")
              + " and was not deployed; the first: "
              + first
              + (first.matches(".*[.?!]$") ? "" : ".")
              + " Fix every one listed in \"errors\" and send it again.";
      InvalidJourneyProblem problem =
          new InvalidJourneyProblem(
              INVALID_JOURNEY,
              "Invalid journey",
              422,
              detail,
              at(name),
              JourneyProblemItem.all(file, invalid.errors()),
              JourneyProblemItem.all(file, invalid.warnings()));
      return complete(
          Json.response(StatusCodes.UNPROCESSABLE_ENTITY, Problem.CONTENT_TYPE, problem));
    }
    Conflict conflict = (Conflict) result;
    return complete(Problem.conflict(conflict.detail()).at(at(name)).toResponse());
  }

  private Route list() {
    return onComplete(
        registry.blocking().supply(registry::list),
        result ->
            result.isSuccess()
                ? complete(Json.response(StatusCodes.OK, new JourneyListView(result.get())))
                : unavailable("The journeys could not be listed", result.failed().get()));
  }

  private Route show(String name) {
    return onComplete(
        registry.blocking().supply(() -> registry.get(name)),
        result -> {
          if (result.isFailure()) {
            return unavailable("The journey could not be read", result.failed().get());
          }
          return result
              .get()
              .map(details -> complete(Json.response(StatusCodes.OK, JourneyView.of(details))))
              .orElseGet(() -> notDeployed(name));
        });
  }

  private Route diagram(String name) {
    return onComplete(
        registry.blocking().supply(() -> registry.get(name)),
        result -> {
          if (result.isFailure()) {
            return unavailable("The journey could not be read", result.failed().get());
          }
          Optional<JourneyDetails> details = result.get();
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

  private Route retire(String name) {
    return onComplete(
        registry.blocking().supply(() -> registry.retire(name)),
        result -> {
          if (result.isFailure()) {
            return unavailable("The journey could not be retired", result.failed().get());
          }
          return result.get() ? complete(StatusCodes.NO_CONTENT) : notDeployed(name);
        });
  }

  private static Route notDeployed(String name) {
    return complete(
        Problem.notFound(
                "No journey \"" + name + "\" is deployed; GET /v1/journeys lists those that are.")
            .at(at(name))
            .toResponse());
  }

  private static Route unavailable(String what, Throwable cause) {
    log.warn("{}: {}", what, cause.toString());
    return complete(
        Problem.unavailable(what + " (the registry's database did not answer); retry.")
            .toResponse()
            .addHeader(RetryAfter.create(1L)));
  }

  /** Reads a YAML body as UTF-8 text within {@link #MAX_BYTES}. */
  private static Route readYaml(Function<String, Route> inner) {
    return extractMaterializer(
        materializer ->
            extractEntity(
                entity -> {
                  MediaType mediaType = entity.getContentType().mediaType();
                  String type = mediaType.mainType() + "/" + mediaType.subType();
                  if (!YAML_TYPES.contains(type)) {
                    return complete(
                        Problem.unsupportedMediaType(
                                "The body is "
                                    + type
                                    + "; send the journey file as application/yaml (or"
                                    + " application/x-yaml, text/yaml, text/plain).")
                            .toResponse());
                  }
                  OptionalLong declared = entity.getContentLengthOption();
                  if (declared.isPresent() && declared.getAsLong() > MAX_BYTES) {
                    return complete(tooLarge());
                  }
                  if (entity instanceof HttpEntity.Strict whole) {
                    return decode(whole, inner);
                  }
                  return onComplete(
                      entity.toStrict(READ_TIMEOUT.toMillis(), MAX_BYTES, materializer),
                      strict -> {
                        if (strict.isSuccess()) {
                          return decode(strict.get(), inner);
                        }
                        if (strict.failed().get() instanceof EntityStreamSizeException) {
                          return complete(tooLarge());
                        }
                        return complete(
                            Problem.invalidBody("The body could not be read.", null).toResponse());
                      });
                }));
  }

  private static HttpResponse tooLarge() {
    return Problem.payloadTooLarge(
            "The journey file is larger than the "
                + MAX_BYTES
                + " bytes (1 MB) this route accepts.")
        .toResponse();
  }

  private static Route decode(HttpEntity.Strict entity, Function<String, Route> inner) {
    byte[] bytes = entity.getData().toArray();
    if (bytes.length > MAX_BYTES) {
      return complete(tooLarge());
    }
    if (bytes.length == 0) {
      return complete(
          Problem.invalidBody("The body is empty; send the journey's YAML file.", null)
              .toResponse());
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return complete(
          Problem.invalidBody("The body is not UTF-8 text; save the journey file as UTF-8.", null)
              .toResponse());
    }
    return inner.apply(text);
  }
}

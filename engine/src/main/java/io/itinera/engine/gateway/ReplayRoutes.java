package io.itinera.engine.gateway;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import io.itinera.engine.journey.JourneyRegistry;
import io.itinera.engine.journey.JourneyRegistry.Checked;
import io.itinera.engine.journey.JourneyRegistry.JourneyDetails;
import io.itinera.engine.replay.Replays;
import io.itinera.engine.replay.Replays.Report;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/journeys/{name}/replay} (admin): a candidate version of a deployed journey, the
 * YAML in the body, run with the deployed one over customers' recorded touchpoints and compared
 * ({@link Replays}). Sends nothing, changes nothing; 429 while another replay runs on the node. A
 * replay still running after {@link Replays#answerWithin()} is answered 202 and goes on; {@code
 * GET} on the same path says how far this node's replay of it is, and then gives its report.
 */
record ReplayRoutes(JourneyRegistry registry, Replays replays, Access access) {

  private static final Logger log = LoggerFactory.getLogger(ReplayRoutes.class);

  /** Customers replayed when neither {@code sample} nor {@code customers} is given. */
  static final int DEFAULT_SAMPLE = 1_000;

  /** Ids in {@code customers}, comma-separated. */
  static final int MAX_NAMED = 1_000;

  /** {@code GET}: how far this node's replay of the journey is, or its last one. */
  Route progress(String name) {
    return access.require(
        Scope.ADMIN,
        "Replays need",
        () -> {
          Replays.Progress now = replays.progress();
          Replays.Progress shown = name.equals(now.journey()) ? now : Replays.Progress.none(name);
          return complete(Json.response(StatusCodes.OK, shown));
        });
  }

  Route replay(String name) {
    return access.require(
        Scope.ADMIN,
        "Replays need",
        () ->
            parameterOptional(
                "sample",
                rawSample ->
                    sample(rawSample)
                        .then(
                            sample ->
                                parameterOptional(
                                    "customers",
                                    rawIds ->
                                        customers(rawIds)
                                            .then(
                                                ids ->
                                                    RequestBody.read(
                                                        JourneyRoutes.MAX_BYTES,
                                                        RequestBody.YAML_TEXT,
                                                        text ->
                                                            replay(name, text, sample, ids)))))));
  }

  private static Parsed<Integer> sample(Optional<String> raw) {
    try {
      int value = raw.isEmpty() ? DEFAULT_SAMPLE : Integer.parseInt(raw.get().trim());
      if (value >= 1 && value <= Replays.MAX_CUSTOMERS) {
        return new Parsed.Valid<>(value);
      }
    } catch (NumberFormatException e) {
      // not a number: the same problem as one out of range
    }
    return new Parsed.Invalid<>(
        Problem.invalidParameter(
            "sample",
            "\"sample\" must be a whole number from 1 to "
                + Replays.MAX_CUSTOMERS
                + "; it was \""
                + raw.orElse("")
                + "\"."));
  }

  private static Parsed<List<String>> customers(Optional<String> raw) {
    List<String> ids =
        raw.map(
                text ->
                    Arrays.stream(text.split(",")).map(String::trim).filter(id -> !id.isEmpty()))
            .map(ids2 -> ids2.distinct().toList())
            .orElse(List.of());
    if (ids.size() > MAX_NAMED) {
      return new Parsed.Invalid<>(
          Problem.invalidParameter(
              "customers",
              "\"customers\" names at most " + MAX_NAMED + " ids; it named " + ids.size() + "."));
    }
    return new Parsed.Valid<>(ids);
  }

  private record Versions(Optional<JourneyDetails> deployed, Checked candidate, Checked current) {}

  private Route replay(String name, String text, int sample, List<String> ids) {
    String file = name + ".journey.yaml";
    return Problem.awaiting(
        registry
            .blocking()
            .supply(
                () -> {
                  Optional<JourneyDetails> deployed = registry.get(name);
                  Checked current =
                      deployed.isEmpty() || deployed.get().source() == null
                          ? null
                          : registry.check(name, file, deployed.get().source());
                  return new Versions(deployed, registry.check(name, file, text), current);
                }),
        this::unavailable,
        versions -> {
          if (versions.candidate().invalid() != null) {
            return JourneyRoutes.deployed(name, versions.candidate().invalid(), true);
          }
          if (versions.current() == null || versions.current().loaded() == null) {
            return Problem.notFound(
                    "No journey \""
                        + name
                        + "\" is deployed to compare with; GET /v1/journeys lists those that are.")
                .answer();
          }
          Optional<CompletionStage<Report>> running =
              replays.run(versions.current().loaded(), versions.candidate().loaded(), ids, sample);
          if (running.isEmpty()) {
            return Problem.tooManyRequests(
                    "Another replay is running on this node; retry when it is done.")
                .answer();
          }
          // A replay longer than the wait is answered 202: it goes on, and GET on this path shows
          // its progress and then its report (a POST held open longer would meet the HTTP
          // layer's request timeout, and a proxy's).
          CompletableFuture<Report> waited =
              running
                  .get()
                  .toCompletableFuture()
                  .copy()
                  .completeOnTimeout(
                      null, replays.answerWithin().toMillis(), TimeUnit.MILLISECONDS);
          return Problem.awaiting(
              waited,
              this::unavailable,
              report ->
                  report != null
                      ? complete(Json.response(StatusCodes.OK, report))
                      : complete(
                          Json.response(StatusCodes.ACCEPTED, replays.progress())
                              .addHeader(Location.create("/v1/journeys/" + name + "/replay"))));
        });
  }

  private Problem unavailable(Throwable cause) {
    log.warn("A replay failed: {}", cause.toString());
    return Problem.unavailable(
        "The replay could not read the journals or the registry (the database did not answer);"
            + " retry.");
  }
}

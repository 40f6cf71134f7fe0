package io.itinera.engine.ops;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.HealthCheckSettings;
import org.apache.pekko.management.javadsl.CheckResult;
import org.apache.pekko.management.javadsl.HealthChecks;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /startup}, {@code /ready} and {@code /alive} on the management port, running the
 * checks {@code pekko.management.health-checks} names (see {@code management.conf}). It stands in
 * for Pekko Management's own health-check route, which answers a failing check with 500: "not
 * ready" is not a server error, and 503 is what load balancers and our docs expect. The body keeps
 * Pekko's wording ({@code Not Healthy: <reasons>}).
 */
public final class HealthChecksRoute implements ManagementRouteProvider {

  private final HealthCheckSettings settings;
  private final HealthChecks checks;

  /** Pekko Management creates it by name, with the actor system. */
  public HealthChecksRoute(ExtendedActorSystem system) {
    this.settings =
        HealthCheckSettings.create(
            system.settings().config().getConfig("pekko.management.health-checks"));
    this.checks = new HealthChecks(system, settings);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings routeSettings) {
    return concat(
        check(settings.startupPath(), checks::startupResult),
        check(settings.readinessPath(), checks::readyResult),
        check(settings.livenessPath(), checks::aliveResult));
  }

  private static Route check(String path, Supplier<CompletionStage<CheckResult>> result) {
    return path(
        PathMatchers.separateOnSlashes(path),
        () ->
            Directives.get(
                () ->
                    onComplete(
                        result.get(),
                        outcome -> {
                          if (outcome.isFailure()) {
                            return complete(
                                StatusCodes.SERVICE_UNAVAILABLE,
                                "Health Check Failed: " + outcome.failed().get().getMessage());
                          }
                          CheckResult checked = outcome.get();
                          return checked.isSuccess()
                              ? complete(StatusCodes.OK)
                              : complete(
                                  StatusCodes.SERVICE_UNAVAILABLE,
                                  "Not Healthy: " + checked.failure().orElse(""));
                        })));
  }
}

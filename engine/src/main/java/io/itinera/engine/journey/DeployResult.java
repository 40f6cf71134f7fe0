package io.itinera.engine.journey;

import io.itinera.journeys.diagnostic.Diagnostic;
import java.time.Instant;
import java.util.List;

/** What {@link JourneyRegistry#deploy} did with a journey file, or would do on a dry run. */
public sealed interface DeployResult {

  /**
   * A new version is deployed (or, on a dry run, would be): every node runs it within about a
   * second, and keeps running the older versions for the customers still on them.
   *
   * @param deployedAt when it was deployed; null on a dry run
   */
  record Deployed(
      String name, int version, Instant deployedAt, boolean dryRun, List<Diagnostic> warnings)
      implements DeployResult {}

  /**
   * The same name and version with the same source is already deployed: nothing to do.
   *
   * @param retired the version was retired, and stays so (start-up loading never brings back a
   *     journey retired through the API; deploying it through the API does)
   */
  record Unchanged(String name, int version, boolean retired, List<Diagnostic> warnings)
      implements DeployResult {}

  /** The file has errors (each with its line and column); nothing was deployed. */
  record Invalid(String file, List<Diagnostic> errors, List<Diagnostic> warnings)
      implements DeployResult {

    /** The errors as compiler-style lines, {@code file:line:col: message}. */
    public List<String> formatted() {
      return errors.stream().map(p -> p.format(file)).toList();
    }
  }

  /**
   * The version cannot be deployed: it was deployed before with a different source, or it is not
   * higher than the latest version of the journey. {@code detail} tells the designer what to do.
   *
   * @param latestVersion the highest version ever deployed under this name, retired or not
   */
  record Conflict(String name, int version, int latestVersion, String detail)
      implements DeployResult {}
}

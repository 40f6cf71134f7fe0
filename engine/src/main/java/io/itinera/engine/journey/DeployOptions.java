package io.itinera.engine.journey;

/**
 * How {@link JourneyRegistry#deploy} deploys a journey file: through the API (for real, optionally
 * moving the customers in flight, or only checked) or from the journeys directory at start-up.
 *
 * @param checkOnly say what deploying would do, and write nothing
 * @param migrateInFlight move the customers in flight to this version at once (not on a dry run)
 * @param fromDirectory from the journeys directory at start-up: a journey retired through the API
 *     stays retired, and the node loads the directory's journeys once, after the last file
 */
public record DeployOptions(boolean checkOnly, boolean migrateInFlight, boolean fromDirectory) {

  /**
   * Through the API: deploys the version, and deploys a retired one sent unchanged again. The
   * customers in flight stay on the version they entered until they leave it.
   */
  public static DeployOptions deploy() {
    return new DeployOptions(false, false, false);
  }

  /**
   * As {@link #deploy()}, and moves the customers in flight to this version at once by retiring the
   * older ones: a customer's next decision runs on this version, from the stage they are in, and a
   * customer whose stage this version no longer has leaves the journey (its reason says so).
   */
  public static DeployOptions migrating() {
    return new DeployOptions(false, true, false);
  }

  /** Checks the file as {@link #deploy()} would deploy it, and writes nothing. */
  public static DeployOptions dryRun() {
    return new DeployOptions(true, false, false);
  }

  /** From the journeys directory at start-up. */
  static DeployOptions startUp() {
    return new DeployOptions(false, false, true);
  }
}

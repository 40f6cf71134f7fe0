package io.itinera.engine.journey;

import java.util.List;

/**
 * Whether a journey's version may be deployed, given every version stored under its name: a name
 * and version always mean one source, and a new version must be higher than all before it, retired
 * ones included, since customers may still be on any of them. Pure, so the rule is tested without a
 * database; the registry writes what it decides.
 */
final class VersionRule {

  /** What deploying a version comes to. */
  sealed interface Verdict {

    /** A version never deployed, higher than the latest: insert it. */
    record Insert() implements Verdict {}

    /** The same source as a retired version, which is deployed again. */
    record Redeploy() implements Verdict {}

    /**
     * The same source as a stored version: nothing to do.
     *
     * @param retired it was retired, and stays so
     */
    record Unchanged(boolean retired) implements Verdict {}

    /**
     * The version may not be deployed.
     *
     * @param latestVersion the highest version stored, retired or not
     * @param detail what the designer should do
     */
    record Refused(int latestVersion, String detail) implements Verdict {}
  }

  private VersionRule() {}

  /**
   * @param stored every version stored under {@code name}, retired ones included
   * @param redeployRetired whether a retired version sent with the same source is deployed again
   *     (through the API) or stays retired (start-up loading)
   */
  static Verdict decide(
      String name,
      int version,
      String sha256,
      List<StoredVersion> stored,
      boolean redeployRetired) {
    int latest = stored.stream().mapToInt(StoredVersion::version).max().orElse(0);
    StoredVersion same =
        stored.stream().filter(v -> v.version() == version).findFirst().orElse(null);
    if (same != null && !same.sha256().equals(sha256)) {
      return new Verdict.Refused(
          latest,
          "Version "
              + version
              + " of journey \""
              + name
              + "\" was deployed before with a different source, and a version never changes"
              + " (customers may be on it); set \"version: "
              + (latest + 1)
              + "\" to deploy this one.");
    }
    if (version < latest) {
      return new Verdict.Refused(
          latest,
          "Journey \""
              + name
              + "\" is at version "
              + latest
              + ", and this file is version "
              + version
              + "; a deployment must be a higher version: set \"version: "
              + (latest + 1)
              + "\".");
    }
    if (same == null) {
      return new Verdict.Insert();
    }
    if (same.retired() && redeployRetired) {
      return new Verdict.Redeploy();
    }
    return new Verdict.Unchanged(same.retired());
  }
}

package io.itinera.engine.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.itinera.engine.journey.VersionRule.Verdict;
import io.itinera.engine.journey.VersionRule.Verdict.Insert;
import io.itinera.engine.journey.VersionRule.Verdict.Redeploy;
import io.itinera.engine.journey.VersionRule.Verdict.Refused;
import io.itinera.engine.journey.VersionRule.Verdict.Unchanged;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The versioning rule without a database: what deploying a version of journey "cart" comes to,
 * given the versions stored before (newest first, as the table gives them).
 */
class VersionRuleTest {

  private static final Instant DEPLOYED = Instant.parse("2026-11-23T10:00:00Z");
  private static final Instant RETIRED = Instant.parse("2026-11-24T10:00:00Z");

  private static final boolean THROUGH_THE_API = true;
  private static final boolean AT_START_UP = false;

  private static StoredVersion active(int version, String sha256) {
    return new StoredVersion(
        "cart", version, "source", sha256, "cart.journey.yaml", DEPLOYED, null);
  }

  private static StoredVersion retired(int version, String sha256) {
    return new StoredVersion(
        "cart", version, "source", sha256, "cart.journey.yaml", DEPLOYED, RETIRED);
  }

  private static Verdict deploy(
      int version, String sha256, boolean redeployRetired, StoredVersion... stored) {
    return VersionRule.decide("cart", version, sha256, List.of(stored), redeployRetired);
  }

  @Test
  void theFirstVersionOfAJourneyIsInserted() {
    assertInstanceOf(Insert.class, deploy(1, "a", THROUGH_THE_API));
    assertInstanceOf(Insert.class, deploy(1, "a", AT_START_UP));
  }

  @Test
  void aHigherVersionIsInsertedWhateverItsGap() {
    assertInstanceOf(Insert.class, deploy(2, "b", THROUGH_THE_API, active(1, "a")));
    assertInstanceOf(Insert.class, deploy(7, "b", AT_START_UP, active(2, "b"), active(1, "a")));
  }

  @Test
  void theSameVersionWithTheSameSourceIsUnchanged() {
    assertEquals(new Unchanged(false), deploy(1, "a", THROUGH_THE_API, active(1, "a")));
    assertEquals(new Unchanged(false), deploy(1, "a", AT_START_UP, active(1, "a")));
  }

  @Test
  void aRetiredVersionSentUnchangedThroughTheApiIsDeployedAgain() {
    assertInstanceOf(Redeploy.class, deploy(2, "b", THROUGH_THE_API, retired(2, "b")));
    assertInstanceOf(
        Redeploy.class, deploy(2, "b", THROUGH_THE_API, retired(2, "b"), retired(1, "a")));
  }

  @Test
  void aRetiredVersionFoundAtStartUpStaysRetired() {
    assertEquals(new Unchanged(true), deploy(2, "b", AT_START_UP, retired(2, "b")));
  }

  @Test
  void aRetiredJourneyComesBackAtAHigherVersion() {
    assertInstanceOf(Insert.class, deploy(3, "c", THROUGH_THE_API, retired(2, "b")));
    assertInstanceOf(Insert.class, deploy(3, "c", AT_START_UP, retired(2, "b"), retired(1, "a")));
  }

  @Test
  void aVersionNeverChangesItsSource() {
    Refused refused =
        assertInstanceOf(Refused.class, deploy(1, "x", THROUGH_THE_API, active(1, "a")));
    assertEquals(1, refused.latestVersion());
    assertEquals(
        "Version 1 of journey \"cart\" was deployed before with a different source, and a version"
            + " never changes (customers may be on it); set \"version: 2\" to deploy this one.",
        refused.detail());
  }

  @Test
  void aRetiredVersionDoesNotChangeItsSourceEither() {
    Refused refused =
        assertInstanceOf(
            Refused.class, deploy(2, "x", THROUGH_THE_API, retired(2, "b"), retired(1, "a")));
    assertEquals(2, refused.latestVersion());
    assertTrue(refused.detail().contains("set \"version: 3\""), refused.detail());
  }

  @Test
  void aChangedOlderVersionIsRefusedForItsSourceFirst() {
    Refused refused =
        assertInstanceOf(
            Refused.class, deploy(1, "x", THROUGH_THE_API, active(2, "b"), active(1, "a")));
    assertEquals(2, refused.latestVersion());
    assertTrue(refused.detail().contains("different source"), refused.detail());
    assertTrue(refused.detail().contains("set \"version: 3\""), refused.detail());
  }

  @Test
  void aVersionLowerThanTheLatestIsRefused() {
    Refused refused = assertInstanceOf(Refused.class, deploy(1, "a", AT_START_UP, active(2, "b")));
    assertEquals(2, refused.latestVersion());
    assertEquals(
        "Journey \"cart\" is at version 2, and this file is version 1; a deployment must be a"
            + " higher version: set \"version: 3\".",
        refused.detail());
  }

  @Test
  void anOlderVersionSentUnchangedIsRefusedNotUnchanged() {
    // Deployed, but superseded: sending it again must not read as if it were the journey's latest.
    assertInstanceOf(
        Refused.class, deploy(1, "a", THROUGH_THE_API, active(2, "b"), active(1, "a")));
    assertInstanceOf(Refused.class, deploy(1, "a", AT_START_UP, active(2, "b"), active(1, "a")));
  }

  @Test
  void aRetiredOlderVersionIsNotBroughtBackUnderANewerOne() {
    assertInstanceOf(
        Refused.class, deploy(1, "a", THROUGH_THE_API, active(2, "b"), retired(1, "a")));
    assertInstanceOf(
        Refused.class, deploy(1, "a", THROUGH_THE_API, retired(2, "b"), retired(1, "a")));
  }

  @Test
  void retiredVersionsCountTowardsTheLatest() {
    Refused refused =
        assertInstanceOf(
            Refused.class, deploy(2, "c", THROUGH_THE_API, retired(3, "b"), active(1, "a")));
    assertEquals(3, refused.latestVersion());
    assertTrue(refused.detail().contains("is at version 3"), refused.detail());
  }

  @Test
  void theLatestIsTheHighestVersionWhateverTheOrderGiven() {
    assertInstanceOf(
        Refused.class, deploy(2, "c", THROUGH_THE_API, active(1, "a"), active(3, "b")));
  }
}

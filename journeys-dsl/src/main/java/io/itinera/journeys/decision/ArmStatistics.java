package io.itinera.journeys.decision;

import java.util.Map;

/**
 * What a bandit split learns from: each arm's counts so far, for one version of a journey. The
 * engine reads them from the analytics tables, shared by every node and a few seconds old; tests
 * and the simulator give their own. Arms missing from the answer have no counts yet.
 */
@FunctionalInterface
public interface ArmStatistics {

  /** No counts at all: every bandit is still warming up. */
  ArmStatistics NONE = (journey, version, split) -> Map.of();

  Map<String, ArmCounts> counts(String journey, int version, String split);
}

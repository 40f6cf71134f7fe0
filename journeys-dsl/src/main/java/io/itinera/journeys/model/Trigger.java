package io.itinera.journeys.model;

import java.util.List;

/**
 * What makes something happen in a stage: a touchpoint, a count of touchpoints in a window, or the
 * absence of a touchpoint for a while. When it fires it emits its actions and, if it names one,
 * moves the customer to another stage.
 */
public sealed interface Trigger permits TouchpointTrigger, CountTrigger, AbsenceTrigger {

  /** Unique within its stage; journal events refer to the trigger by it. */
  String name();

  /** The touchpoint this trigger watches. */
  String event();

  /** Narrows which touchpoints of {@link #event()} this trigger considers, or null. */
  Condition when();

  List<Action> actions();

  /** The stage to move to, or null to stay; an arm of {@link #split()} may name another. */
  String gotoStage();

  /** The experiment that runs after {@link #actions()}, or null. */
  Split split();
}

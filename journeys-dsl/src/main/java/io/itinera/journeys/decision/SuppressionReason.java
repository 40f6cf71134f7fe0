package io.itinera.journeys.decision;

/** Why an action a journey decided did not go out. */
public enum SuppressionReason {
  /** The per-channel cap of the journey is reached, counting every journey's actions on it. */
  CHANNEL_CAP,
  /** The journey's cap across all channels is reached. */
  GLOBAL_CAP,
  /** The journey's cap on its own actions is reached. */
  JOURNEY_CAP,
  /** The same offer went out, on any channel, within the journey's offer cooldown. */
  OFFER_COOLDOWN,
  /** The customer has not opted in to the channel, or opted out of it. */
  NO_CONSENT,
  /** The customer is in the journey's holdout group. */
  HOLDOUT,
  /** A cap would have allowed it, but a higher-priority journey used it in the same decision. */
  LOWER_PRIORITY,
  /** It waits relative to a date trait the customer lacks, or holds in no date format. */
  DATE_MISSING,
  /** It waits relative to a date trait, and the instant it names is already past. */
  DATE_PASSED,
  /** A template of the action (a param, the subject or the body) was stopped by the sandbox. */
  TEMPLATE_FAILED
}

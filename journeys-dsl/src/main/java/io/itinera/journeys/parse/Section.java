package io.itinera.journeys.parse;

import java.util.List;

/**
 * The mappings a journey file is made of and the keys each accepts: the parser's vocabulary, which
 * the JSON Schema must match (a test holds them together).
 */
public enum Section {
  JOURNEY(
      "the journey",
      List.of(
          "journey",
          "version",
          "description",
          "priority",
          "holdout",
          "entry",
          "reEntry",
          "goal",
          "exit",
          "caps",
          "quietHours",
          "segments",
          "zone",
          "stages")),
  ENTRY("the entry", List.of("event", "when", "stage", "segment", "schedule", "broadcast")),
  SCHEDULE("the schedule", List.of("every", "at", "zone", "cron")),
  RE_ENTRY("reEntry", List.of("after")),
  GOAL("the goal", List.of("name", "event", "when", "within")),
  EXIT("an exit", List.of("event", "when")),
  CAPS("caps", List.of("perChannel", "acrossChannels", "perJourney", "offerCooldown")),
  CHANNEL_CAP("a channel cap", List.of("channel", "max", "per")),
  CAP("a cap", List.of("max", "per")),
  QUIET_HOURS("quiet hours", List.of("channels", "from", "to", "zone")),
  STAGE("a stage", List.of("description", "enter", "branch", "on")),
  TRIGGER(
      "a trigger",
      List.of("name", "event", "count", "absence", "when", "do", "goto", "split", "branch")),
  BRANCH_ARM("a branch arm", List.of("name", "when", "otherwise", "do", "goto")),
  SPLIT("a split", List.of("name", "strategy", "arms", "minShare", "warmUp")),
  ARM("an arm", List.of("name", "weight", "do", "goto")),
  COUNT("count", List.of("event", "atLeast", "within")),
  ABSENCE("absence", List.of("event", "within")),
  ACTION(
      "an action",
      List.of(
          "name",
          "channel",
          "type",
          "template",
          "offer",
          "params",
          "delay",
          "when",
          "content",
          "set")),
  DELAY("a delay", List.of("until", "zone", "after", "before", "trait")),
  CONTENT("an action's content", List.of("subject", "body"));

  private final String description;
  private final List<String> keys;

  Section(String description, List<String> keys) {
    this.description = description;
    this.keys = keys;
  }

  /** How messages name it: "unknown key 'x' in a trigger". */
  public String description() {
    return description;
  }

  public List<String> keys() {
    return keys;
  }
}

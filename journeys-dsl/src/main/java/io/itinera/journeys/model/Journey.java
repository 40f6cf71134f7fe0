package io.itinera.journeys.model;

import java.util.List;
import java.util.Optional;

/**
 * One journey as its designer wrote it: how customers enter, the stages they move through, and the
 * limits on what may be sent to them.
 *
 * @param goal the conversion the holdout lift is measured on, or null
 * @param holdoutPercent share of entering customers (0 to 100) who are tracked but sent nothing
 * @param priority higher wins when journeys contend for the same capped channel
 * @param segments named conditions over the customer, recorded at entry for analytics
 * @param zone the time zone of waits for a time of day when the customer has no valid {@code
 *     timezone} trait (and of dates without a time); UTC unless set
 */
public record Journey(
    String name,
    int version,
    String description,
    Entry entry,
    List<Stage> stages,
    List<Exit> exits,
    Goal goal,
    ReEntryPolicy reEntry,
    double holdoutPercent,
    int priority,
    FrequencyCaps caps,
    List<QuietHours> quietHours,
    List<Segment> segments,
    String zone) {

  /** The zone of journeys that name none. */
  public static final String DEFAULT_ZONE = "UTC";

  public Journey {
    zone = zone == null ? DEFAULT_ZONE : zone;
    description = description == null ? "" : description;
    stages = List.copyOf(stages);
    exits = List.copyOf(exits);
    reEntry = reEntry == null ? new ReEntryPolicy.Never() : reEntry;
    caps = caps == null ? FrequencyCaps.NONE : caps;
    quietHours = List.copyOf(quietHours);
    segments = segments == null ? List.of() : List.copyOf(segments);
  }

  /** A journey in UTC. */
  public Journey(
      String name,
      int version,
      String description,
      Entry entry,
      List<Stage> stages,
      List<Exit> exits,
      Goal goal,
      ReEntryPolicy reEntry,
      double holdoutPercent,
      int priority,
      FrequencyCaps caps,
      List<QuietHours> quietHours,
      List<Segment> segments) {
    this(
        name,
        version,
        description,
        entry,
        stages,
        exits,
        goal,
        reEntry,
        holdoutPercent,
        priority,
        caps,
        quietHours,
        segments,
        null);
  }

  public Optional<Stage> stage(String stageName) {
    // A loop, not a stream: the decider looks stages up several times per touchpoint.
    for (Stage stage : stages) {
      if (stage.name().equals(stageName)) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }

  /** The stage a customer is placed in on entry: the one named by the entry, else the first. */
  public String startStage() {
    if (entry != null && entry.stage() != null) {
      return entry.stage();
    }
    return stages.isEmpty() ? null : stages.get(0).name();
  }
}

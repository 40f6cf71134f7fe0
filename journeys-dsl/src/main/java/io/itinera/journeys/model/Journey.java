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
    List<Segment> segments) {

  public Journey {
    description = description == null ? "" : description;
    stages = List.copyOf(stages);
    exits = List.copyOf(exits);
    reEntry = reEntry == null ? new ReEntryPolicy.Never() : reEntry;
    caps = caps == null ? FrequencyCaps.NONE : caps;
    quietHours = List.copyOf(quietHours);
    segments = segments == null ? List.of() : List.copyOf(segments);
  }

  public Optional<Stage> stage(String stageName) {
    return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
  }

  /** The stage a customer is placed in on entry: the one named by the entry, else the first. */
  public String startStage() {
    if (entry != null && entry.stage() != null) {
      return entry.stage();
    }
    return stages.isEmpty() ? null : stages.get(0).name();
  }
}

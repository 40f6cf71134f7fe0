package io.itinera.journeys.decision;

import io.itinera.journeys.load.LoadedJourney;
import io.itinera.journeys.model.FrequencyCaps;
import io.itinera.journeys.template.TemplateWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The deployed journeys, indexed for deciding: the latest version of each name in the order they
 * are served (higher priority first, then by name), and every version for customers still on an
 * older one. Immutable; an engine builds it once per deployment rather than once per decision.
 */
public final class JourneySet {

  private final List<LoadedJourney> all;
  final List<LoadedJourney> byPriority;

  /** The longest cap window of any journey: how far back the cap ledger must reach. */
  final Duration longestWindow;

  private final Map<String, List<LoadedJourney>> versions = new TreeMap<>();

  /** Told of missing template variables; the engine counts them. */
  final TemplateWatcher watcher;

  private JourneySet(List<LoadedJourney> journeys, TemplateWatcher watcher) {
    this.watcher = watcher;
    all = List.copyOf(journeys);
    for (LoadedJourney loaded : all) {
      versions.computeIfAbsent(loaded.journey().name(), name -> new ArrayList<>()).add(loaded);
    }
    byPriority =
        versions.values().stream()
            .map(
                each ->
                    each.stream()
                        .max(Comparator.comparingInt(l -> l.journey().version()))
                        .orElseThrow())
            .sorted(
                Comparator.comparingInt((LoadedJourney l) -> -l.journey().priority())
                    .thenComparing(l -> l.journey().name()))
            .toList();
    longestWindow =
        all.stream()
            .flatMap(l -> windows(l.journey().caps()))
            .max(Comparator.naturalOrder())
            .orElse(Duration.ZERO);
  }

  public static JourneySet of(List<LoadedJourney> journeys) {
    return new JourneySet(journeys, TemplateWatcher.NONE);
  }

  /** The same, telling {@code watcher} what the templates of their actions missed. */
  public static JourneySet of(List<LoadedJourney> journeys, TemplateWatcher watcher) {
    return new JourneySet(journeys, watcher);
  }

  /** Every version passed in, in the order given. */
  public List<LoadedJourney> all() {
    return all;
  }

  /** The latest version of the journey named {@code name}, or null when none is passed in. */
  public LoadedJourney latest(String name) {
    List<LoadedJourney> each = versions.get(name);
    return each == null
        ? null
        : each.stream().max(Comparator.comparingInt(l -> l.journey().version())).orElseThrow();
  }

  /** The version the customer entered; the latest when that one is no longer passed in. */
  LoadedJourney forProgress(JourneyProgress progress) {
    List<LoadedJourney> each = versions.get(progress.journey());
    if (each == null) {
      return null;
    }
    for (LoadedJourney loaded : each) {
      if (loaded.journey().version() == progress.version()) {
        return loaded;
      }
    }
    return byPriority.stream()
        .filter(l -> l.journey().name().equals(progress.journey()))
        .findFirst()
        .orElseThrow();
  }

  private static Stream<Duration> windows(FrequencyCaps caps) {
    return Stream.of(
            caps.perChannel().stream().map(FrequencyCaps.ChannelCap::per),
            caps.acrossChannels().stream().map(FrequencyCaps.Cap::per),
            caps.perJourney().stream().map(FrequencyCaps.Cap::per),
            Stream.ofNullable(caps.offerCooldown()))
        .flatMap(s -> s);
  }
}

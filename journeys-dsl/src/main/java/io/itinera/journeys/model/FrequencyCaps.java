package io.itinera.journeys.model;

import java.time.Duration;
import java.util.List;

/**
 * Limits on how often a customer hears from this journey. Caps are counted per customer, so one
 * writer enforces them even when channels race.
 *
 * @param perJourney caps on this journey's own actions, all channels together
 * @param offerCooldown the same offer is never sent twice within it, or null for no cooldown
 */
public record FrequencyCaps(
    List<ChannelCap> perChannel,
    List<Cap> acrossChannels,
    List<Cap> perJourney,
    Duration offerCooldown) {

  public static final FrequencyCaps NONE = new FrequencyCaps(List.of(), List.of(), List.of(), null);

  public FrequencyCaps {
    perChannel = List.copyOf(perChannel);
    acrossChannels = List.copyOf(acrossChannels);
    perJourney = perJourney == null ? List.of() : List.copyOf(perJourney);
  }

  /** At most {@code max} actions on one channel in any window of {@code per}. */
  public record ChannelCap(String channel, int max, Duration per) {}

  /** At most {@code max} actions on all channels together in any window of {@code per}. */
  public record Cap(int max, Duration per) {}
}

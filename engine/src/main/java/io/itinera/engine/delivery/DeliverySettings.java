package io.itinera.engine.delivery;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code itinera.delivery}: the retry schedule, how senders poll, endpoint defaults, and the
 * channel endpoints set in configuration.
 *
 * @param channels endpoints from configuration, applied at start-up (see {@link
 *     ChannelEndpoints#applyConfigured})
 * @param allowedNetworks blocks webhooks may reach although {@link ReceiverAddresses} refuses them
 */
public record DeliverySettings(
    String source,
    List<Duration> retrySchedule,
    double jitter,
    Duration maxRetryAfter,
    int outboxGroupSize,
    Duration outboxGroupWithin,
    boolean eager,
    int eagerBuffer,
    Duration eagerGroupWithin,
    int senders,
    Duration pollInterval,
    Duration endpointReloadInterval,
    int batchSize,
    Duration defaultTimeout,
    int defaultMaxInFlight,
    int defaultRateLimit,
    Duration nextActionMaxAge,
    List<ChannelEndpoint.Settings> channels,
    List<NetworkRange> allowedNetworks) {

  public DeliverySettings {
    retrySchedule = List.copyOf(retrySchedule);
    channels = List.copyOf(channels);
    allowedNetworks = List.copyOf(allowedNetworks);
  }

  /** Attempts in all: the first, then one per wait of the schedule. */
  public int maxAttempts() {
    return retrySchedule.size() + 1;
  }

  public static DeliverySettings from(Config config) {
    Config c = config.getConfig("itinera.delivery");
    Config defaults = c.getConfig("defaults");
    Duration timeout = defaults.getDuration("timeout");
    int maxInFlight = defaults.getInt("max-in-flight");
    int rateLimit = defaults.getInt("rate-limit");
    Config channelConfig = c.getConfig("channels");
    String text = c.getString("channels-text").trim();
    if (!text.isEmpty()) {
      channelConfig = ConfigFactory.parseString(text).withFallback(channelConfig);
    }
    Map<String, ConfigValue> byName = new TreeMap<>(channelConfig.root());
    List<ChannelEndpoint.Settings> channels = new ArrayList<>();
    for (String name : byName.keySet()) {
      Config channel = channelConfig.getConfig(com.typesafe.config.ConfigUtil.joinPath(name));
      channels.add(
          new ChannelEndpoint.Settings(
              name,
              channel.getString("url"),
              channel.hasPath("secret") ? channel.getString("secret") : null,
              channel.hasPath("timeout") ? channel.getDuration("timeout") : timeout,
              channel.hasPath("max-in-flight") ? channel.getInt("max-in-flight") : maxInFlight,
              channel.hasPath("rate-limit") ? channel.getInt("rate-limit") : rateLimit));
    }
    return new DeliverySettings(
        c.getString("source"),
        c.getDurationList("retry.schedule"),
        c.getDouble("retry.jitter"),
        c.getDuration("retry.max-retry-after"),
        c.getInt("outbox.group-size"),
        c.getDuration("outbox.group-within"),
        c.getBoolean("outbox.eager.enabled"),
        c.getInt("outbox.eager.buffer"),
        c.getDuration("outbox.eager.group-within"),
        c.getInt("senders"),
        c.getDuration("poll-interval"),
        c.getDuration("endpoint-reload-interval"),
        c.getInt("batch-size"),
        timeout,
        maxInFlight,
        rateLimit,
        c.getDuration("next-action.max-age"),
        channels,
        allowedNetworks(c));
  }

  /** The list, then the comma-separated text (the environment variable's form). */
  private static List<NetworkRange> allowedNetworks(Config c) {
    List<String> blocks = new ArrayList<>(c.getStringList("allowed-networks"));
    for (String block : c.getString("allowed-networks-text").split(",")) {
      if (!block.isBlank()) {
        blocks.add(block);
      }
    }
    List<NetworkRange> ranges = new ArrayList<>();
    for (String block : blocks) {
      try {
        ranges.add(NetworkRange.parse(block));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "itinera.delivery.allowed-networks: " + e.getMessage(), e);
      }
    }
    return ranges;
  }
}

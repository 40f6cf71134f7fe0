package io.itinera.engine.gateway;

import com.typesafe.config.Config;

/**
 * A key's token bucket: {@code perSecond} requests a second on average, up to {@code burst} at
 * once. Zero per second means no limit.
 */
public record RateLimit(long perSecond, long burst) {

  public static final RateLimit NONE = new RateLimit(0, 0);

  public RateLimit {
    if (perSecond < 0 || burst < 0) {
      throw new IllegalArgumentException("A rate limit is not negative");
    }
    burst = perSecond > 0 && burst == 0 ? perSecond : burst;
  }

  public boolean unlimited() {
    return perSecond == 0;
  }

  static RateLimit from(Config config) {
    return new RateLimit(config.getLong("per-second"), config.getLong("burst"));
  }
}

package io.itinera.engine.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a channel's actions go by webhook, and how hard they may be pushed there.
 *
 * @param rateLimit requests per second, 0 for none
 * @param enabled false once the receiver answered 410 Gone: nothing is sent until the endpoint is
 *     set again
 * @param origin {@code configuration} or {@code api}: what last set it
 */
public record ChannelEndpoint(
    String channel,
    String url,
    String secret,
    Duration timeout,
    int maxInFlight,
    int rateLimit,
    boolean enabled,
    String disabledReason,
    String origin,
    Instant updatedAt) {

  public static final String FROM_CONFIGURATION = "configuration";
  public static final String FROM_API = "api";

  /** Channel names: what journeys write after {@code channel:}, kept URL- and SQL-friendly. */
  public static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  public static final int MAX_IN_FLIGHT = 1024;
  public static final int MAX_RATE_LIMIT = 100_000;
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  /** What the stored endpoint would be if these settings were applied now. */
  public boolean sameSettings(Settings settings) {
    return url.equals(settings.url())
        && (settings.secret() == null || secret.equals(settings.secret()))
        && timeout.equals(settings.timeout())
        && maxInFlight == settings.maxInFlight()
        && rateLimit == settings.rateLimit();
  }

  /** What sending depends on: a runner is restarted when this changes. */
  public boolean sameDelivery(ChannelEndpoint other) {
    return other != null
        && url.equals(other.url)
        && secret.equals(other.secret)
        && timeout.equals(other.timeout)
        && maxInFlight == other.maxInFlight
        && rateLimit == other.rateLimit
        && enabled == other.enabled;
  }

  /** An endpoint as PUT or configured; a null secret means "keep the stored one, or make one". */
  public record Settings(
      String channel, String url, String secret, Duration timeout, int maxInFlight, int rateLimit) {

    /**
     * What is wrong with these settings, one per problem, each with the API's name of the field
     * (null for the channel name); empty when they are fine.
     */
    public List<Problem> problems() {
      List<Problem> problems = new ArrayList<>();
      if (channel == null || !CHANNEL_NAME.matcher(channel).matches()) {
        problems.add(
            new Problem(
                null,
                "the channel name must be 1 to 100 letters, digits, '.', '_' or '-', starting with"
                    + " a letter or digit"));
      }
      if (url == null || url.isBlank()) {
        problems.add(
            new Problem("url", "\"url\" is required: the absolute http or https URL to POST to"));
      } else {
        try {
          URI uri = new URI(url);
          if (!uri.isAbsolute()
              || uri.getHost() == null
              || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            problems.add(
                new Problem(
                    "url",
                    "\"url\" must be an absolute http or https URL; it was \"" + url + "\""));
          }
        } catch (URISyntaxException e) {
          problems.add(new Problem("url", "\"url\" is not a URL: " + e.getMessage()));
        }
      }
      if (secret != null) {
        WebhookSignature.problem(secret)
            .ifPresent(p -> problems.add(new Problem("secret", "\"secret\" " + p)));
      }
      if (timeout == null
          || timeout.compareTo(MIN_TIMEOUT) < 0
          || timeout.compareTo(MAX_TIMEOUT) > 0) {
        problems.add(new Problem("timeoutMs", "the timeout must be from 100 ms to 60 s"));
      }
      if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
        problems.add(
            new Problem("maxInFlight", "\"maxInFlight\" must be from 1 to " + MAX_IN_FLIGHT));
      }
      if (rateLimit < 0 || rateLimit > MAX_RATE_LIMIT) {
        problems.add(
            new Problem(
                "rateLimit",
                "\"rateLimit\" must be from 0 (no limit) to " + MAX_RATE_LIMIT + " per second"));
      }
      return problems;
    }
  }

  /** One thing wrong with {@link Settings}; {@code field} is null for the channel name. */
  public record Problem(String field, String detail) {}
}

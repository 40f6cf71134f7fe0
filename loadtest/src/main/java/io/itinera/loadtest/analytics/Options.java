package io.itinera.loadtest.analytics;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link SyntheticPopulation} plays, from {@code --name=value} arguments; every one has a
 * default, the population: 20,000 customers, 10% held out, 12% of the treated and 10% of
 * the held out converting.
 *
 * @param arms planted rates per experiment arm ({@code --arms=a=0.05,b=0.10}), empty for none: then
 *     a treated customer's rate is that of the arm the engine assigned them
 */
record Options(
    URI base,
    int customers,
    double holdoutPercent,
    double treatedRate,
    double holdoutRate,
    Map<String, Double> arms,
    String journey,
    Path journeyFile,
    String entryEvent,
    String goalEvent,
    String assignEvent,
    int waves,
    int wavePauseSeconds,
    long seed,
    String writeKey,
    String readKey,
    String adminKey,
    int timeoutSeconds,
    String query) {

  static Options parse(String[] args) {
    Map<String, String> given = new HashMap<>();
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      given.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    String file = given.remove("journey-file");
    Options options =
        new Options(
            URI.create(take(given, "base", "http://127.0.0.1:8080")),
            Integer.parseInt(take(given, "customers", "20000")),
            Double.parseDouble(take(given, "holdout", "10")),
            Double.parseDouble(take(given, "treated-rate", "0.12")),
            Double.parseDouble(take(given, "holdout-rate", "0.10")),
            rates(take(given, "arms", "")),
            take(given, "journey", "synthetic-" + System.currentTimeMillis() / 1000),
            file == null ? null : Path.of(file),
            take(given, "entry-event", "Synthetic Visit"),
            take(given, "goal-event", "Synthetic Purchase"),
            take(given, "assign-event", ""),
            Integer.parseInt(take(given, "waves", "1")),
            Integer.parseInt(take(given, "wave-pause", "5")),
            Long.parseLong(take(given, "seed", "17")),
            take(given, "write-key", "dev-write-key"),
            take(given, "read-key", "dev-read-key"),
            take(given, "admin-key", "dev-admin-key"),
            Integer.parseInt(take(given, "timeout", "180")),
            take(given, "query", ""));
    if (!given.isEmpty()) {
      throw new IllegalArgumentException("unknown options: " + given.keySet());
    }
    return options;
  }

  /** The journey to deploy: the file given, or a two-stage journey with a holdout and a goal. */
  String journeyYaml() throws IOException {
    if (journeyFile != null) {
      return Files.readString(journeyFile);
    }
    String holdout = BigDecimal.valueOf(holdoutPercent).stripTrailingZeros().toPlainString();
    return """
        journey: %s
        description: A synthetic population (loadtest SyntheticPopulation); safe to retire.
        holdout: %s%%
        entry: {event: %s}
        goal: {name: purchase, event: %s, within: 30d}
        stages:
          visiting:
            enter:
              - {channel: web, type: show, template: synthetic-offer}
            on:
              - event: %s
                goto: bought
          bought: {}
        """
        .formatted(journey, holdout, entryEvent, goalEvent, goalEvent);
  }

  /** The planted rate of an arm: {@code holdout}, {@code treated} or an experiment arm's name. */
  double rateOf(String arm) {
    if (arm.equals(SyntheticPopulation.HOLDOUT)) {
      return holdoutRate;
    }
    if (arm.equals(SyntheticPopulation.TREATED)) {
      return treatedRate;
    }
    Double rate = arms.get(arm);
    if (rate == null) {
      throw new IllegalStateException("the engine assigned arm " + arm + ", not in --arms " + arms);
    }
    return rate;
  }

  private static String take(Map<String, String> given, String name, String fallback) {
    String value = given.remove(name);
    return value == null ? fallback : value;
  }

  private static Map<String, Double> rates(String text) {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      if (!pair.isBlank()) {
        String[] parts = pair.split("=", 2);
        rates.put(parts[0].trim(), Double.parseDouble(parts[1].trim()));
      }
    }
    return Collections.unmodifiableMap(rates);
  }
}

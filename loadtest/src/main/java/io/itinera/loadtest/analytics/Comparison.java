package io.itinera.loadtest.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.itinera.engine.analytics.stats.ArmOutcome;
import io.itinera.engine.analytics.stats.Interval;
import io.itinera.engine.analytics.stats.Lift;
import io.itinera.engine.analytics.stats.LiftEstimate;
import java.util.Locale;
import java.util.Map;

/**
 * The table the harness ends with: per figure the planted truth, what the engine's own statistics
 * make of the counts that were played (so a difference in the reported column is the read side's,
 * not chance's), and what the analytics route reported.
 */
final class Comparison {

  private static final String ROW = "%-22s %-24s %-34s %s%n";

  private final Options options;
  private final Map<String, Tally> planted;

  Comparison(Options options, Map<String, Tally> planted) {
    this.options = options;
    this.planted = planted;
  }

  static Tally treated(Map<String, Tally> planted) {
    return planted.entrySet().stream()
        .filter(arm -> !arm.getKey().equals(SyntheticPopulation.HOLDOUT))
        .map(Map.Entry::getValue)
        .reduce(Tally.NONE, Tally::plus);
  }

  /** Prints the table and the RESULT line; true when the analytics pass the checks. */
  boolean print(Reported reported) {
    Tally treated = treated(planted);
    Tally holdout = planted.getOrDefault(SyntheticPopulation.HOLDOUT, Tally.NONE);
    double treatedRate = plantedTreatedRate(treated);
    Double plantedPis = options.holdoutRate() > 0 ? treatedRate / options.holdoutRate() - 1 : null;
    LiftEstimate played =
        Lift.estimate(
            new ArmOutcome("treated", treated.customers(), treated.converted()),
            new ArmOutcome("holdout", holdout.customers(), holdout.converted()),
            0.95);
    JsonNode lift = reported.lift();
    System.out.printf(ROW, "figure", "planted", "statistics of the played counts", "reported");
    row("treated", percent(treatedRate), tally(treated), reportedTally(reported, "treated"));
    row(
        "holdout",
        percent(options.holdoutRate()),
        tally(holdout),
        reportedTally(reported, "holdout"));
    row(
        "PIS",
        plantedPis == null ? "-" : number(plantedPis),
        estimate(played.pis(), played.pisInterval()),
        reportedEstimate(lift.path("pis"), lift.path("pisInterval")));
    row(
        "difference",
        number(treatedRate - options.holdoutRate()),
        estimate(played.difference(), played.differenceInterval()),
        reportedEstimate(lift.path("difference"), lift.path("differenceInterval")));
    row("p-value", "-", pValue(played.pValue()), reportedPValue(lift.path("pValue")));
    row(
        "more per arm",
        "-",
        String.valueOf(played.morePerArmNeeded()),
        lift.path("morePerArmNeeded").asText("-"));
    System.out.printf("verdict (played):   %s%n", played.verdict());
    System.out.printf("verdict (reported): %s%n", lift.path("verdict").asText("-"));
    options.arms().forEach((arm, rate) -> armRow(arm, rate, reported));
    boolean counts = reported.counts(treated, holdout);
    JsonNode interval = lift.path("pisInterval");
    boolean contains =
        plantedPis != null
            && interval.has("low")
            && interval.path("low").asDouble() <= plantedPis
            && plantedPis <= interval.path("high").asDouble();
    boolean excludesZero =
        interval.has("low")
            && (interval.path("low").asDouble() > 0 || interval.path("high").asDouble() < 0);
    System.out.printf(
        "RESULT journey=%s customers=%d countsEqual=%s pisIntervalContainsPlanted=%s"
            + " pisIntervalExcludesZero=%s%n",
        options.journey(), options.customers(), counts, contains, excludesZero);
    return counts && contains;
  }

  /** The treated arm's planted rate; with experiment arms, theirs weighted by their customers. */
  private double plantedTreatedRate(Tally treated) {
    if (options.arms().isEmpty() || treated.customers() == 0) {
      return options.treatedRate();
    }
    double converting = 0;
    for (Map.Entry<String, Tally> arm : planted.entrySet()) {
      if (!arm.getKey().equals(SyntheticPopulation.HOLDOUT)) {
        converting += options.rateOf(arm.getKey()) * arm.getValue().customers();
      }
    }
    return converting / treated.customers();
  }

  private void armRow(String arm, double rate, Reported reported) {
    Tally played = planted.getOrDefault(arm, Tally.NONE);
    JsonNode result = reported.arms().get(arm);
    String shown =
        result == null
            ? "not reported"
            : reportedEstimate(result.path("rate"), result.path("interval"))
                + String.format(Locale.ROOT, " of %,d", Reported.armCustomers(result))
                + " adj. p "
                + reportedPValue(result.path("adjustedPValue"));
    row("arm " + arm, percent(rate), tally(played), shown);
  }

  private static void row(String figure, String planted, String played, String reported) {
    System.out.printf(ROW, figure, planted, played, reported);
  }

  private static String tally(Tally tally) {
    return String.format(Locale.ROOT, "%s of %,d", percent(tally.rate()), tally.customers());
  }

  private static String reportedTally(Reported reported, String side) {
    long customers = reported.customers(side);
    long converted = reported.converted(side);
    return customers <= 0
        ? customers + " customers"
        : String.format(
            Locale.ROOT, "%s of %,d", percent((double) converted / customers), customers);
  }

  private static String estimate(Double value, Interval interval) {
    return value == null
        ? "none"
        : number(value) + " [" + number(interval.low()) + ", " + number(interval.high()) + "]";
  }

  private static String reportedEstimate(JsonNode value, JsonNode interval) {
    if (!value.isNumber()) {
      return "none";
    }
    if (!interval.has("low")) {
      return number(value.asDouble()) + " (no interval)";
    }
    return number(value.asDouble())
        + " ["
        + number(interval.path("low").asDouble())
        + ", "
        + number(interval.path("high").asDouble())
        + "]";
  }

  private static String reportedPValue(JsonNode value) {
    return value.isNumber() ? pValue(value.asDouble()) : "-";
  }

  private static String pValue(double value) {
    return String.format(Locale.ROOT, "%.3g", value);
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.2f%%", rate * 100);
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}

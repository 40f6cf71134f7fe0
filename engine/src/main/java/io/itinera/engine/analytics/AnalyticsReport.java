package io.itinera.engine.analytics;

import io.itinera.engine.analytics.AnalyticsQuery.ActionRow;
import io.itinera.engine.analytics.AnalyticsQuery.ArmRow;
import io.itinera.engine.analytics.AnalyticsQuery.SplitRow;
import io.itinera.engine.analytics.AnalyticsQuery.StageRow;
import io.itinera.engine.analytics.AnalyticsQuery.TimeRow;
import io.itinera.engine.analytics.AnalyticsQuery.TransitionRow;
import io.itinera.engine.analytics.stats.ArmOutcome;
import io.itinera.engine.analytics.stats.ArmResult;
import io.itinera.engine.analytics.stats.Arms;
import io.itinera.engine.analytics.stats.Interval;
import io.itinera.engine.analytics.stats.Lift;
import io.itinera.engine.analytics.stats.LiftEstimate;
import io.itinera.engine.analytics.stats.StageTime;
import io.itinera.engine.analytics.stats.StageTimes;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The analytics answer for one journey, assembled from the tables' sums: the stage funnel, time in
 * stage, actions by outcome, goal conversion per arm, the lift of treated over holdout, and the
 * experiments' arms.
 *
 * <p>Every statistical figure is computed in this class only ({@link #lift}, {@link #stageTime},
 * {@link #splitArms}), so that the statistics package (io.itinera.engine.analytics.stats: {@code
 * Lift.estimate}, {@code Arms.compare}, {@code StageTimes.of}), written in parallel, replaces them
 * here at merge. Until then they are rates only, with no intervals and no p-values: MINIMAL LOCAL
 * COMPUTATION, to be replaced at merge by the lead with the stats API's calls.
 */
public record AnalyticsReport(
    String journey,
    LocalDate from,
    LocalDate to,
    Integer version,
    String segment,
    List<StageView> funnel,
    List<ActionView> actions,
    List<ArmView> arms,
    LiftView lift,
    List<SplitArmView> splits) {

  /**
   * One stage of the funnel, over both arms, and per arm.
   *
   * @param conversion moved on / entered: the share that went on to a next stage
   * @param dropOff dropped / entered: the share that left the journey from this stage
   */
  public record StageView(
      String stage,
      long entered,
      long movedOn,
      long dropped,
      long goalReached,
      Double conversion,
      Double dropOff,
      List<NextView> next,
      TimeView timeInStage,
      Map<String, ArmStageView> byArm) {}

  public record ArmStageView(long entered, long movedOn, long dropped, long goalReached) {}

  /** Where those who moved on went, and the share of the stage's entrants that went there. */
  public record NextView(String stage, long moved, Double conversion) {}

  /** From the stage's time buckets, of those who left it: null when nobody left it yet. */
  public record TimeView(long customers, Double medianSeconds, Double p90Seconds) {}

  /**
   * An action of a stage on a channel with a template, by outcome.
   *
   * @param ctr engaged / decided: every action that went out counts in the denominator, whether or
   *     not the channel reports its delivery (pull and stream channels do not)
   */
  public record ActionView(
      String stage,
      String channel,
      String template,
      long decided,
      long deferred,
      Map<String, Long> suppressed,
      long delivered,
      long dead,
      long engaged,
      Double ctr) {}

  /** Goal conversion of an arm: of the customers who entered in the range, how many converted. */
  public record ArmView(String arm, long customers, long converted, long exited, Double rate) {}

  /**
   * Treated against holdout ({@link Lift#estimate}, docs/analytics.md). {@code pis} is (treated
   * rate - holdout rate) / holdout rate, null (with its interval) when the holdout rate is 0 or an
   * arm is empty; {@code method} names the interval methods.
   */
  public record LiftView(
      double treatedRate,
      double holdoutRate,
      Double pis,
      Interval pisInterval,
      double difference,
      Interval differenceInterval,
      double pValue,
      String verdict,
      Long morePerArmNeeded,
      String method) {

    static LiftView of(LiftEstimate estimate) {
      return new LiftView(
          estimate.treatedRate(),
          estimate.holdoutRate(),
          estimate.pis(),
          estimate.pisInterval(),
          estimate.difference(),
          estimate.differenceInterval(),
          estimate.pValue(),
          estimate.verdict(),
          estimate.morePerArmNeeded(),
          METHOD);
    }
  }

  /**
   * One arm of a split against the split's control ({@link Arms#compare}): its rate with a Wilson
   * interval and, but for the control, the p-value against it before and after Holm's correction.
   *
   * @param share the arm's part of the split's assignments in the range: a bandit's allocation
   * @param posteriorMean the mean of the arm's Beta(1 + converted, 1 + assigned - converted), what
   *     a bandit believes its rate is (the decider samples from the same posterior)
   */
  public record SplitArmView(
      String split,
      String arm,
      long assigned,
      long goalReached,
      Double rate,
      Double share,
      double posteriorMean,
      Interval interval,
      boolean control,
      Double pValue,
      Double adjustedPValue,
      boolean significant) {}

  /** The figures' confidence, and how they are computed (docs/analytics.md says why). */
  static final double CONFIDENCE = 0.95;

  static final String METHOD =
      "95% intervals: PIS by Katz's log method, the difference by Newcombe's hybrid score;"
          + " p-value by chi-square, Fisher's exact test when a cell expects under 5";

  static AnalyticsReport of(
      AnalyticsQuery.Range range,
      List<String> stageOrder,
      List<StageRow> stages,
      List<TransitionRow> transitions,
      List<TimeRow> times,
      List<ActionRow> actions,
      List<ArmRow> arms,
      List<SplitRow> splits) {
    return new AnalyticsReport(
        range.journey(),
        range.from(),
        range.to(),
        range.version(),
        range.segment(),
        funnel(stageOrder, stages, transitions, times),
        actionViews(actions),
        armViews(arms),
        lift(arms),
        splitArms(splits));
  }

  private static List<StageView> funnel(
      List<String> stageOrder,
      List<StageRow> stages,
      List<TransitionRow> transitions,
      List<TimeRow> times) {
    List<String> order = new ArrayList<>(stageOrder);
    stages.stream()
        .map(StageRow::stage)
        .sorted()
        .filter(s -> !order.contains(s))
        .forEach(order::add);
    List<StageView> views = new ArrayList<>();
    for (String stage : order) {
      Map<String, ArmStageView> byArm = new TreeMap<>();
      long entered = 0;
      long movedOn = 0;
      long dropped = 0;
      long goal = 0;
      for (StageRow row : stages) {
        if (row.stage().equals(stage)) {
          byArm.put(
              row.arm(), new ArmStageView(row.entered(), row.movedOn(), row.dropped(), row.goal()));
          entered += row.entered();
          movedOn += row.movedOn();
          dropped += row.dropped();
          goal += row.goal();
        }
      }
      if (entered == 0 && byArm.isEmpty() && !stageOrder.contains(stage)) {
        continue;
      }
      long stageEntered = entered;
      List<NextView> next =
          transitions.stream()
              .filter(t -> t.from().equals(stage))
              .map(t -> new NextView(t.to(), t.moved(), ratio(t.moved(), stageEntered)))
              .toList();
      views.add(
          new StageView(
              stage,
              entered,
              movedOn,
              dropped,
              goal,
              ratio(movedOn, entered),
              ratio(dropped, entered),
              next,
              stageTime(times.stream().filter(t -> t.stage().equals(stage)).toList()),
              byArm));
    }
    return views;
  }

  /** Median and p90 of a stage's time buckets ({@link StageTimes#of}). */
  static TimeView stageTime(List<TimeRow> rows) {
    long[] buckets = new long[64];
    long total = 0;
    for (TimeRow row : rows) {
      buckets[row.bucket()] += row.customers();
      total += row.customers();
    }
    StageTime time = StageTimes.of(buckets);
    return new TimeView(total, time.medianSeconds(), time.p90Seconds());
  }

  private static List<ActionView> actionViews(List<ActionRow> rows) {
    Map<List<String>, Map<String, Long>> byAction = new LinkedHashMap<>();
    rows.stream()
        .sorted(
            Comparator.comparing(ActionRow::stage)
                .thenComparing(ActionRow::channel)
                .thenComparing(ActionRow::template))
        .forEach(
            row ->
                byAction
                    .computeIfAbsent(
                        List.of(row.stage(), row.channel(), row.template()), k -> new TreeMap<>())
                    .merge(row.outcome(), row.actions(), Long::sum));
    List<ActionView> views = new ArrayList<>();
    byAction.forEach(
        (key, outcomes) -> {
          Map<String, Long> suppressed = new TreeMap<>();
          outcomes.forEach(
              (outcome, n) -> {
                if (outcome.startsWith("suppressed:")) {
                  suppressed.put(outcome.substring("suppressed:".length()), n);
                }
              });
          long decided = outcomes.getOrDefault("decided", 0L);
          long engaged = outcomes.getOrDefault("engaged", 0L);
          views.add(
              new ActionView(
                  key.get(0),
                  key.get(1),
                  key.get(2).isEmpty() ? null : key.get(2),
                  decided,
                  outcomes.getOrDefault("deferred", 0L),
                  suppressed,
                  outcomes.getOrDefault("delivered", 0L),
                  outcomes.getOrDefault("dead", 0L),
                  engaged,
                  ratio(engaged, decided)));
        });
    return views;
  }

  private static List<ArmView> armViews(List<ArmRow> rows) {
    List<ArmView> views = new ArrayList<>();
    for (String arm : List.of(AnalyticsCounts.TREATED, AnalyticsCounts.HOLDOUT)) {
      ArmRow row =
          rows.stream()
              .filter(r -> r.arm().equals(arm))
              .findFirst()
              .orElse(new ArmRow(arm, 0, 0, 0));
      views.add(
          new ArmView(
              arm,
              row.entered(),
              row.goalReached(),
              row.exited(),
              ratio(row.goalReached(), row.entered())));
    }
    return views;
  }

  /** Treated against holdout: rates, PIS and the difference with their intervals, a verdict. */
  static LiftView lift(List<ArmRow> rows) {
    List<ArmView> arms = armViews(rows);
    return LiftView.of(Lift.estimate(outcome(arms.get(0)), outcome(arms.get(1)), CONFIDENCE));
  }

  private static ArmOutcome outcome(ArmView arm) {
    return new ArmOutcome(arm.arm(), arm.customers(), arm.converted());
  }

  /**
   * Each split's arms against its control: the arm named {@code control}, else the first by name
   * (docs/analytics.md), with Holm's correction over the other arms.
   */
  static List<SplitArmView> splitArms(List<SplitRow> rows) {
    Map<String, List<SplitRow>> bySplit = new TreeMap<>();
    rows.forEach(r -> bySplit.computeIfAbsent(r.split(), k -> new ArrayList<>()).add(r));
    List<SplitArmView> views = new ArrayList<>();
    bySplit.forEach(
        (split, arms) -> {
          List<SplitRow> sorted =
              arms.stream().sorted(Comparator.comparing(SplitRow::arm)).toList();
          String control =
              sorted.stream()
                  .map(SplitRow::arm)
                  .filter("control"::equals)
                  .findFirst()
                  .orElse(sorted.get(0).arm());
          long splitAssigned = sorted.stream().mapToLong(SplitRow::assigned).sum();
          List<ArmResult> results =
              Arms.compare(
                  sorted.stream()
                      .map(r -> new ArmOutcome(r.arm(), r.assigned(), r.goalReached()))
                      .toList(),
                  control,
                  CONFIDENCE);
          for (int i = 0; i < sorted.size(); i++) {
            SplitRow row = sorted.get(i);
            ArmResult result = results.get(i);
            views.add(
                new SplitArmView(
                    split,
                    row.arm(),
                    row.assigned(),
                    row.goalReached(),
                    ratio(row.goalReached(), row.assigned()),
                    ratio(row.assigned(), splitAssigned),
                    (1.0 + row.goalReached()) / (2.0 + row.assigned()),
                    row.assigned() == 0 ? null : result.interval(),
                    row.arm().equals(control),
                    result.pValueVsControl(),
                    result.adjustedPValue(),
                    result.significant()));
          }
        });
    return views;
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /**
   * The funnel as CSV, one row per stage and arm: {@code
   * stage,arm,entered,moved_on,dropped,goal_reached,conversion,drop_off,median_seconds,p90_seconds}
   * (the time columns are the stage's, over both arms; empty when unknown).
   */
  public String csv() {
    StringBuilder csv =
        new StringBuilder(
            "stage,arm,entered,moved_on,dropped,goal_reached,conversion,drop_off,"
                + "median_seconds,p90_seconds\r\n");
    for (StageView stage : funnel) {
      for (String arm : List.of(AnalyticsCounts.TREATED, AnalyticsCounts.HOLDOUT)) {
        ArmStageView counts = stage.byArm().getOrDefault(arm, new ArmStageView(0, 0, 0, 0));
        csv.append(quoted(stage.stage()))
            .append(',')
            .append(arm)
            .append(',')
            .append(counts.entered())
            .append(',')
            .append(counts.movedOn())
            .append(',')
            .append(counts.dropped())
            .append(',')
            .append(counts.goalReached())
            .append(',')
            .append(text(ratio(counts.movedOn(), counts.entered())))
            .append(',')
            .append(text(ratio(counts.dropped(), counts.entered())))
            .append(',')
            .append(text(stage.timeInStage().medianSeconds()))
            .append(',')
            .append(text(stage.timeInStage().p90Seconds()))
            .append("\r\n");
      }
    }
    return csv.toString();
  }

  private static String text(Double value) {
    return value == null ? "" : String.valueOf(value);
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String quoted(String field) {
    if (field.matches("[^,\"\r\n]*")) {
      return field;
    }
    return "\"" + field.replace("\"", "\"\"") + "\"";
  }
}

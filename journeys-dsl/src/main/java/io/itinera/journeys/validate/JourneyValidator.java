package io.itinera.journeys.validate;

import io.itinera.journeys.condition.CompiledCondition;
import io.itinera.journeys.condition.ConditionCompiler;
import io.itinera.journeys.condition.ConditionCompiler.CelError;
import io.itinera.journeys.condition.ConditionCompiler.CelWarning;
import io.itinera.journeys.condition.ConditionCompiler.Compilation;
import io.itinera.journeys.condition.ConditionScope;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.journeys.diagnostic.Suggestions;
import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.FrequencyCaps.Cap;
import io.itinera.journeys.model.FrequencyCaps.ChannelCap;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.TouchpointTrigger;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.parse.SourceMap;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks that need the whole journey: references between stages, triggers that cannot fire,
 * caps that contradict each other, and every CEL condition type-checked. It runs the same on parsed
 * and on Java-built journeys; only the positions differ.
 */
public final class JourneyValidator {

  /**
   * The channels the gateway integrates; others are legal (custom integrations) but likely typos.
   */
  public static final List<String> KNOWN_CHANNELS =
      List.of("web", "app", "email", "sms", "push", "support", "pos");

  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
  private static final String SMS = "sms";

  private final ConditionCompiler compiler;

  public JourneyValidator(ConditionCompiler compiler) {
    this.compiler = compiler;
  }

  /**
   * @param complete false when the parser already dropped parts of the journey; reachability is
   *     then not judged, since a dropped trigger may be the one that reaches a stage
   */
  public Validation validate(Journey journey, SourceMap sourceMap, boolean complete) {
    Check check = new Check(journey, sourceMap);
    check.names();
    check.entry();
    check.stages();
    if (complete) {
      check.reachability();
    }
    check.exitsAndGoal();
    check.caps();
    check.quietHours();
    check.holdout();
    return new Validation(List.copyOf(check.problems), Map.copyOf(check.compiled));
  }

  /** Problems found, and every condition compiled, keyed by its source text. */
  public record Validation(List<Diagnostic> problems, Map<String, CompiledCondition> conditions) {}

  private final class Check {
    private final Journey journey;
    private final SourceMap sourceMap;
    private final List<Diagnostic> problems = new ArrayList<>();
    private final Map<String, CompiledCondition> compiled = new HashMap<>();
    private final Set<String> stageNames = new LinkedHashSet<>();
    private final Set<String> exitEvents = new HashSet<>();

    Check(Journey journey, SourceMap sourceMap) {
      this.journey = journey;
      this.sourceMap = sourceMap;
      journey.stages().forEach(stage -> stageNames.add(stage.name()));
      journey.exits().stream()
          .filter(exit -> exit.when() == null)
          .forEach(exit -> exitEvents.add(exit.event()));
    }

    void names() {
      if (journey.name() != null && journey.name().isBlank()) {
        error(at("journey"), "the journey name is blank; name it, e.g. journey: running-shoes");
      }
      Set<String> seen = new HashSet<>();
      for (Stage stage : journey.stages()) {
        Position where = at(stagePath(stage));
        if (!seen.add(stage.name())) {
          error(where, "duplicate stage '" + stage.name() + "'; give each stage its own name");
        }
        if (!STAGE_NAME.matcher(stage.name()).matches()) {
          error(
              where,
              "stage name '"
                  + stage.name()
                  + "' may only contain letters, digits, '-' and '_', starting with a letter; diagrams and journal events use it");
        }
      }
    }

    void entry() {
      if (journey.entry() == null) {
        return;
      }
      String stage = journey.entry().stage();
      if (stage != null && !stageNames.contains(stage)) {
        error(at("entry/stage"), unknownStage("the entry", stage));
      }
      ConditionScope scope =
          journey.entry().event() == null
              ? ConditionScope.CUSTOMER_ONLY
              : ConditionScope.EVENT_AND_CUSTOMER;
      Boolean constant = condition(journey.entry().when(), "entry/when", scope);
      if (Boolean.FALSE.equals(constant)) {
        error(
            at("entry/when"),
            "no customer can ever enter: the entry condition is always false; fix or remove it");
      }
      if (journey.entry().event() != null && exitEvents.contains(journey.entry().event())) {
        error(
            at("entry/event"),
            "no customer can ever stay: '"
                + journey.entry().event()
                + "' is also an exit, so entering on it exits at once; pick another entry touchpoint");
      }
    }

    void stages() {
      for (Stage stage : journey.stages()) {
        String path = stagePath(stage);
        actions(stage.enter(), stage.name(), "its enter actions", path + "/enter");
        Set<String> triggerNames = new HashSet<>();
        List<Trigger> before = new ArrayList<>();
        for (int i = 0; i < stage.on().size(); i++) {
          Trigger trigger = stage.on().get(i);
          String triggerPath = sourceMap.pathOf(trigger, SourceMap.trigger(stage.name(), i));
          Position where = at(triggerPath);
          if (!triggerNames.add(trigger.name())) {
            error(
                where,
                "two triggers in stage '"
                    + stage.name()
                    + "' are named '"
                    + trigger.name()
                    + "'; add a distinct 'name' to one of them");
          }
          trigger(stage, trigger, triggerPath, before);
          actions(
              trigger.actions(),
              stage.name(),
              "trigger '" + trigger.name() + "'",
              triggerPath + "/do");
          before.add(trigger);
        }
      }
    }

    private void trigger(Stage stage, Trigger trigger, String path, List<Trigger> before) {
      Position where = at(path);
      String gotoStage = trigger.gotoStage();
      if (gotoStage != null && !stageNames.contains(gotoStage)) {
        error(at(path + "/goto"), unknownStage("goto", gotoStage));
      }
      if (stage.name().equals(gotoStage)) {
        warning(
            at(path + "/goto"),
            "this trigger goes to its own stage '"
                + gotoStage
                + "', which runs its enter actions again; drop the goto to stay without re-entering");
      }
      if (trigger.actions().isEmpty() && gotoStage == null) {
        warning(
            where,
            "trigger '"
                + trigger.name()
                + "' does nothing; give it actions under 'do' or a 'goto'");
      }
      Boolean constant =
          condition(trigger.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
      if (Boolean.FALSE.equals(constant)) {
        error(
            at(path + "/when"),
            "trigger '"
                + trigger.name()
                + "' can never fire: its condition is always false; fix or remove the condition");
      }
      if (exitEvents.contains(trigger.event())) {
        error(
            where,
            "trigger '"
                + trigger.name()
                + "' can never fire: '"
                + trigger.event()
                + "' is an exit, which takes the customer out of the journey first; remove the trigger or the exit");
      }
      if (trigger instanceof CountTrigger count && count.atLeast() == 1) {
        warning(
            at(path + "/count/atLeast"),
            "counting to 1 is the same as a touchpoint trigger; write 'event: "
                + count.event()
                + "' instead");
      }
      if (!(trigger instanceof AbsenceTrigger)) {
        for (Trigger earlier : before) {
          if (earlier instanceof TouchpointTrigger
              && earlier.when() == null
              && earlier.event().equals(trigger.event())) {
            error(
                where,
                "trigger '"
                    + trigger.name()
                    + "' can never fire: trigger '"
                    + earlier.name()
                    + "' above it fires on every '"
                    + trigger.event()
                    + "' first; move this one above it or give that one a condition");
            break;
          }
        }
      }
    }

    private void actions(List<Action> actions, String stage, String owner, String listPath) {
      Set<String> names = new HashSet<>();
      for (int i = 0; i < actions.size(); i++) {
        Action action = actions.get(i);
        String path = sourceMap.pathOf(action, listPath + "/" + i);
        if (!names.add(action.name())) {
          error(
              at(path),
              "two actions of "
                  + owner
                  + " in stage '"
                  + stage
                  + "' are named '"
                  + action.name()
                  + "'; add a distinct 'name' to one of them");
        }
        channel(action.channel(), at(path + "/channel"));
        if (action.channel().equals(SMS)
            && quietChannels().stream().noneMatch(c -> c.isEmpty() || c.equals(SMS))) {
          warning(
              at(path + "/channel"),
              "this sends an SMS but no quiet hours cover 'sms'; customers may get texts at night, so add quietHours for sms");
        }
      }
    }

    private List<String> quietChannels() {
      List<String> covered = new ArrayList<>();
      for (QuietHours quiet : journey.quietHours()) {
        covered.addAll(quiet.channels().isEmpty() ? List.of("") : quiet.channels());
      }
      return covered;
    }

    private void channel(String channel, Position where) {
      if (!KNOWN_CHANNELS.contains(channel)) {
        String hint =
            Suggestions.closest(channel, KNOWN_CHANNELS)
                .map(c -> "did you mean '" + c + "'? ")
                .orElse("");
        warning(
            where,
            "unknown channel '"
                + channel
                + "'; "
                + hint
                + "the gateway knows "
                + String.join(", ", KNOWN_CHANNELS));
      }
    }

    void reachability() {
      String start = journey.startStage();
      if (start == null || !stageNames.contains(start)) {
        return;
      }
      Set<String> reached = new HashSet<>();
      ArrayDeque<String> next = new ArrayDeque<>(List.of(start));
      while (!next.isEmpty()) {
        String name = next.pop();
        if (reached.add(name)) {
          journey
              .stage(name)
              .ifPresent(
                  stage ->
                      stage.on().stream()
                          .map(Trigger::gotoStage)
                          .filter(stageNames::contains)
                          .forEach(next::push));
        }
      }
      for (Stage stage : journey.stages()) {
        if (!reached.contains(stage.name())) {
          error(
              at(stagePath(stage)),
              "stage '"
                  + stage.name()
                  + "' is unreachable: customers start in '"
                  + start
                  + "' and no goto leads here from there; add a goto to it or remove it");
        }
      }
    }

    void exitsAndGoal() {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < journey.exits().size(); i++) {
        Exit exit = journey.exits().get(i);
        String path = sourceMap.pathOf(exit, "exit/" + i);
        if (!seen.add(
            exit.event() + "\u0000" + (exit.when() == null ? "" : exit.when().source()))) {
          error(at(path), "exit '" + exit.event() + "' is listed twice; keep one");
        }
        condition(exit.when(), path + "/when", ConditionScope.EVENT_AND_CUSTOMER);
      }
      if (journey.goal() != null) {
        condition(journey.goal().when(), "goal/when", ConditionScope.EVENT_AND_CUSTOMER);
      }
    }

    void caps() {
      List<ChannelCap> perChannel = journey.caps().perChannel();
      Set<String> usedChannels = new HashSet<>();
      boolean offers = false;
      for (Stage stage : journey.stages()) {
        List<Action> all = new ArrayList<>(stage.enter());
        stage.on().forEach(trigger -> all.addAll(trigger.actions()));
        for (Action action : all) {
          usedChannels.add(action.channel());
          offers |= action.offer() != null;
        }
      }
      for (int i = 0; i < perChannel.size(); i++) {
        ChannelCap cap = perChannel.get(i);
        Position where = at(sourceMap.pathOf(cap, "caps/perChannel/" + i));
        channel(cap.channel(), at(sourceMap.pathOf(cap, "caps/perChannel/" + i) + "/channel"));
        if (cap.max() == 0 && usedChannels.contains(cap.channel())) {
          error(
              where,
              "this cap allows no '"
                  + cap.channel()
                  + "' messages at all, yet the journey sends on '"
                  + cap.channel()
                  + "'; raise max or remove those actions");
        }
        for (int j = 0; j < i; j++) {
          ChannelCap other = perChannel.get(j);
          if (other.channel().equals(cap.channel()) && other.per().equals(cap.per())) {
            error(
                where,
                other.max() == cap.max()
                    ? "the cap on '"
                        + cap.channel()
                        + "' per "
                        + DurationText.format(cap.per())
                        + " is given twice; keep one"
                    : "two caps on '"
                        + cap.channel()
                        + "' per "
                        + DurationText.format(cap.per())
                        + " contradict each other ("
                        + other.max()
                        + " and "
                        + cap.max()
                        + "); keep one");
          }
        }
        for (ChannelCap other : perChannel) {
          if (other != cap
              && other.channel().equals(cap.channel())
              && !other.per().equals(cap.per())
              && stricter(other.max(), other.per(), cap.max(), cap.per())) {
            warning(
                where,
                "this cap on '"
                    + cap.channel()
                    + "' ("
                    + describe(cap.max(), cap)
                    + ") never binds: "
                    + describe(other.max(), other)
                    + " is stricter; remove it or lower max");
            break;
          }
        }
        for (Cap overall : journey.caps().acrossChannels()) {
          if (stricter(overall.max(), overall.per(), cap.max(), cap.per())) {
            warning(
                where,
                "this cap on '"
                    + cap.channel()
                    + "' ("
                    + describe(cap.max(), cap)
                    + ") never binds: the cap across channels ("
                    + overall.max()
                    + " per "
                    + DurationText.format(overall.per())
                    + ") is stricter; remove it or lower max");
            break;
          }
        }
      }
      List<Cap> across = journey.caps().acrossChannels();
      for (int i = 0; i < across.size(); i++) {
        Cap cap = across.get(i);
        Position where = at(sourceMap.pathOf(cap, "caps/acrossChannels/" + i));
        if (cap.max() == 0 && !usedChannels.isEmpty()) {
          error(
              where,
              "this cap allows no messages at all, yet the journey has actions; raise max or remove the cap");
        }
        for (int j = 0; j < i; j++) {
          if (across.get(j).per().equals(cap.per())) {
            error(
                where,
                "two caps across channels per "
                    + DurationText.format(cap.per())
                    + (across.get(j).max() == cap.max()
                        ? " are the same; keep one"
                        : " contradict each other ("
                            + across.get(j).max()
                            + " and "
                            + cap.max()
                            + "); keep one"));
          }
        }
      }
      List<Cap> perJourney = journey.caps().perJourney();
      for (int i = 0; i < perJourney.size(); i++) {
        Cap cap = perJourney.get(i);
        Position where = at(sourceMap.pathOf(cap, "caps/perJourney/" + i));
        if (cap.max() == 0 && !usedChannels.isEmpty()) {
          error(
              where,
              "this cap allows the journey no messages at all, yet it has actions; raise max or remove the cap");
        }
        for (int j = 0; j < i; j++) {
          if (perJourney.get(j).per().equals(cap.per())) {
            error(
                where,
                "two caps on the journey per "
                    + DurationText.format(cap.per())
                    + (perJourney.get(j).max() == cap.max()
                        ? " are the same; keep one"
                        : " contradict each other ("
                            + perJourney.get(j).max()
                            + " and "
                            + cap.max()
                            + "); keep one"));
          }
        }
      }
      if (journey.caps().offerCooldown() != null && !offers) {
        warning(
            at("caps/offerCooldown"),
            "offerCooldown has no effect: no action carries an 'offer'; add offers or remove it");
      }
    }

    /**
     * Whether cap A (maxA per perA) makes cap B redundant: it allows no more, over no less time.
     */
    private boolean stricter(int maxA, Duration perA, int maxB, Duration perB) {
      return maxA <= maxB && perA.compareTo(perB) >= 0;
    }

    private String describe(int max, ChannelCap cap) {
      return max + " per " + DurationText.format(cap.per());
    }

    void quietHours() {
      for (int i = 0; i < journey.quietHours().size(); i++) {
        QuietHours quiet = journey.quietHours().get(i);
        String path = sourceMap.pathOf(quiet, "quietHours/" + i);
        if (quiet.from().equals(quiet.to())) {
          error(
              at(path),
              "quiet hours from "
                  + quiet.from()
                  + " to "
                  + quiet.to()
                  + " cover no time; set 'to' to when sending may resume");
        }
        for (int c = 0; c < quiet.channels().size(); c++) {
          channel(quiet.channels().get(c), at(path + "/channels/" + c));
        }
      }
    }

    void holdout() {
      if (journey.holdoutPercent() > 50 && journey.holdoutPercent() < 100) {
        warning(
            at("holdout"),
            "a holdout of "
                + journey.holdoutPercent()
                + "% keeps most customers out of the journey; holdouts are usually 5% to 20%");
      }
    }

    /** Compiles a condition, reports its errors at their column, and returns its constant value. */
    private Boolean condition(Condition condition, String path, ConditionScope scope) {
      if (condition == null) {
        return null;
      }
      Compilation compilation = compiler.compile(condition.source(), scope);
      if (compilation instanceof Compilation.Failed failed) {
        for (CelError cel : failed.errors()) {
          error(
              sourceMap.condition(path, cel.line(), cel.column()),
              "condition error: " + cel.message());
        }
        return null;
      }
      Compilation.Compiled ok = (Compilation.Compiled) compilation;
      compiled.put(condition.source(), ok.condition());
      for (CelWarning cel : ok.warnings()) {
        warning(sourceMap.condition(path, cel.line(), cel.column()), "condition: " + cel.message());
      }
      if (Boolean.TRUE.equals(ok.constant())) {
        warning(at(path), "this condition is always true; remove it");
      }
      return ok.constant();
    }

    private String unknownStage(String what, String stage) {
      String hint =
          Suggestions.closest(stage, stageNames)
              .map(s -> "did you mean '" + s + "'?")
              .orElse("the stages are " + String.join(", ", stageNames));
      return what + " names stage '" + stage + "', which does not exist; " + hint;
    }

    private String stagePath(Stage stage) {
      return sourceMap.pathOf(stage, SourceMap.stage(stage.name()));
    }

    private Position at(String path) {
      return sourceMap.at(path);
    }

    private void error(Position where, String message) {
      problems.add(Diagnostic.error(where, message));
    }

    private void warning(Position where, String message) {
      problems.add(Diagnostic.warning(where, message));
    }
  }
}

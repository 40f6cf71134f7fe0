package io.itinera.journeys.write;

import io.itinera.journeys.model.AbsenceTrigger;
import io.itinera.journeys.model.Action;
import io.itinera.journeys.model.Branch;
import io.itinera.journeys.model.Condition;
import io.itinera.journeys.model.CountTrigger;
import io.itinera.journeys.model.DurationText;
import io.itinera.journeys.model.EntrySchedule;
import io.itinera.journeys.model.Exit;
import io.itinera.journeys.model.FrequencyCaps;
import io.itinera.journeys.model.Goal;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.QuietHours;
import io.itinera.journeys.model.ReEntryPolicy;
import io.itinera.journeys.model.Split;
import io.itinera.journeys.model.Stage;
import io.itinera.journeys.model.TouchpointTrigger;
import io.itinera.journeys.model.Trigger;
import io.itinera.journeys.model.Wait;
import io.itinera.journeys.parse.TraitSets;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * Writes a journey back as a journey file that parses to an equal model. Defaults (a derived
 * trigger name, priority 0, no holdout...) are left out so a written file reads like a hand-written
 * one; quoting is left to the YAML emitter so no condition text can break the file.
 */
public final class JourneyWriter {

  private static final DumpSettings SETTINGS =
      DumpSettings.builder()
          .setDefaultFlowStyle(FlowStyle.BLOCK)
          .setIndent(2)
          .setIndicatorIndent(2)
          .setIndentWithIndicator(true)
          .setWidth(Integer.MAX_VALUE)
          .setSplitLines(false)
          .build();

  private JourneyWriter() {}

  public static String write(Journey journey) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("journey", journey.name());
    root.put("version", journey.version());
    putIfPresent(
        root, "description", journey.description().isEmpty() ? null : journey.description());
    if (journey.priority() != 0) {
      root.put("priority", journey.priority());
    }
    if (journey.holdoutPercent() != 0) {
      root.put(
          "holdout",
          BigDecimal.valueOf(journey.holdoutPercent()).stripTrailingZeros().toPlainString() + "%");
    }
    if (journey.entry() != null) {
      Map<String, Object> entry = new LinkedHashMap<>();
      putIfPresent(entry, "event", journey.entry().event());
      putIfPresent(entry, "when", source(journey.entry().when()));
      putIfPresent(entry, "stage", journey.entry().stage());
      putIfPresent(entry, "segment", source(journey.entry().segment()));
      EntrySchedule schedule = journey.entry().schedule();
      if (schedule instanceof EntrySchedule.Once) {
        entry.put("broadcast", true);
      } else {
        putIfPresent(entry, "schedule", schedule(schedule));
      }
      root.put("entry", entry);
    }
    putIfPresent(root, "reEntry", reEntry(journey.reEntry()));
    putIfPresent(root, "goal", journey.goal() == null ? null : goal(journey.goal()));
    putIfAny(root, "exit", journey.exits(), JourneyWriter::exit);
    putIfPresent(root, "caps", caps(journey.caps()));
    putIfAny(root, "quietHours", journey.quietHours(), JourneyWriter::quietHours);
    if (!journey.segments().isEmpty()) {
      Map<String, Object> segments = new LinkedHashMap<>();
      journey.segments().forEach(s -> segments.put(s.name(), s.when().source()));
      root.put("segments", segments);
    }
    if (!journey.zone().equals(Journey.DEFAULT_ZONE)) {
      root.put("zone", journey.zone());
    }
    Map<String, Object> stages = new LinkedHashMap<>();
    journey.stages().forEach(stage -> stages.put(stage.name(), stage(stage)));
    root.put("stages", stages);
    return new Dump(SETTINGS).dumpToString(root);
  }

  private static Map<String, Object> schedule(EntrySchedule schedule) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (schedule instanceof EntrySchedule.Every every) {
      map.put("every", duration(every.every()));
      putIfPresent(map, "at", every.at() == null ? null : every.at().toString());
      putIfPresent(map, "zone", every.zone());
    } else if (schedule instanceof EntrySchedule.Cron cron) {
      map.put("cron", cron.expression());
      putIfPresent(map, "zone", cron.zone());
    } else {
      return null;
    }
    return map;
  }

  private static Object reEntry(ReEntryPolicy policy) {
    if (policy instanceof ReEntryPolicy.AfterCooldown after) {
      return Map.of("after", DurationText.format(after.cooldown()));
    }
    return policy instanceof ReEntryPolicy.Always ? "always" : null;
  }

  private static Map<String, Object> goal(Goal goal) {
    Map<String, Object> map = new LinkedHashMap<>();
    putIfPresent(map, "name", goal.name().equals(goal.event()) ? null : goal.name());
    map.put("event", goal.event());
    putIfPresent(map, "when", source(goal.when()));
    putIfPresent(map, "within", duration(goal.within()));
    return map;
  }

  private static Map<String, Object> exit(Exit exit) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("event", exit.event());
    putIfPresent(map, "when", source(exit.when()));
    return map;
  }

  private static Map<String, Object> caps(FrequencyCaps caps) {
    if (caps.equals(FrequencyCaps.NONE)) {
      return null;
    }
    Map<String, Object> map = new LinkedHashMap<>();
    putIfAny(map, "perChannel", caps.perChannel(), JourneyWriter::channelCap);
    putIfAny(map, "acrossChannels", caps.acrossChannels(), JourneyWriter::cap);
    putIfAny(map, "perJourney", caps.perJourney(), JourneyWriter::cap);
    putIfPresent(map, "offerCooldown", duration(caps.offerCooldown()));
    return map;
  }

  private static Map<String, Object> channelCap(FrequencyCaps.ChannelCap cap) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("channel", cap.channel());
    map.put("max", cap.max());
    map.put("per", duration(cap.per()));
    return map;
  }

  private static Map<String, Object> cap(FrequencyCaps.Cap cap) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("max", cap.max());
    map.put("per", duration(cap.per()));
    return map;
  }

  private static Map<String, Object> quietHours(QuietHours quiet) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (!quiet.channels().isEmpty()) {
      map.put("channels", quiet.channels());
    }
    map.put("from", quiet.from().toString());
    map.put("to", quiet.to().toString());
    map.put("zone", quiet.zone());
    return map;
  }

  private static Map<String, Object> stage(Stage stage) {
    Map<String, Object> map = new LinkedHashMap<>();
    putIfPresent(map, "description", stage.description().isEmpty() ? null : stage.description());
    putIfAny(map, "enter", stage.enter(), JourneyWriter::action);
    putIfPresent(map, "branch", branch(stage.branch()));
    putIfAny(map, "on", stage.on(), JourneyWriter::trigger);
    return map;
  }

  private static Map<String, Object> trigger(Trigger trigger) {
    Map<String, Object> map = new LinkedHashMap<>();
    String defaultName;
    if (trigger instanceof CountTrigger count) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("event", count.event());
      body.put("atLeast", count.atLeast());
      body.put("within", duration(count.within()));
      map.put("count", body);
      defaultName = CountTrigger.defaultName(count.event(), count.atLeast(), count.within());
    } else if (trigger instanceof AbsenceTrigger absence) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("event", absence.event());
      body.put("within", duration(absence.within()));
      map.put("absence", body);
      defaultName = AbsenceTrigger.defaultName(absence.event(), absence.within());
    } else {
      map.put("event", trigger.event());
      defaultName = TouchpointTrigger.defaultName(trigger.event());
    }
    if (!trigger.name().equals(defaultName)) {
      map.put("name", trigger.name());
    }
    putIfPresent(map, "when", source(trigger.when()));
    putIfAny(map, "do", trigger.actions(), JourneyWriter::action);
    putIfPresent(map, "goto", trigger.gotoStage());
    putIfPresent(map, "split", trigger.split() == null ? null : split(trigger.split()));
    if (trigger instanceof AbsenceTrigger absence) {
      putIfPresent(map, "branch", branch(absence.branch()));
    }
    return map;
  }

  private static Map<String, Object> split(Split split) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", split.name());
    if (split.strategy() == Split.Strategy.BANDIT) {
      map.put("strategy", "bandit");
      map.put(
          "minShare",
          BigDecimal.valueOf(split.minSharePercent()).stripTrailingZeros().toPlainString() + "%");
      map.put("warmUp", split.warmUp());
    }
    putIfAny(map, "arms", split.arms(), JourneyWriter::arm);
    return map;
  }

  private static Map<String, Object> arm(Split.Arm arm) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", arm.name());
    map.put("weight", arm.weight());
    putIfAny(map, "do", arm.actions(), JourneyWriter::action);
    putIfPresent(map, "goto", arm.gotoStage());
    return map;
  }

  private static Map<String, Object> action(Action action) {
    Map<String, Object> map = new LinkedHashMap<>();
    String defaultName =
        action.template() != null ? action.template() : TraitSets.defaultName(action.set());
    putIfPresent(map, "name", action.name().equals(defaultName) ? null : action.name());
    putIfPresent(map, "channel", action.channel());
    putIfPresent(map, "type", action.type());
    putIfPresent(map, "template", action.template());
    putIfPresent(map, "offer", action.offer());
    if (!action.params().isEmpty()) {
      map.put("params", new TreeMap<>(action.params()));
    }
    putIfPresent(map, "delay", delay(action));
    putIfPresent(map, "when", source(action.when()));
    if (action.content() != null) {
      Map<String, Object> content = new LinkedHashMap<>();
      putIfPresent(content, "subject", action.content().subject());
      putIfPresent(content, "body", action.content().body());
      map.put("content", content);
    }
    if (!action.set().isEmpty()) {
      Map<String, Object> set = new TreeMap<>();
      action.set().forEach((trait, value) -> set.put(trait, value.source()));
      map.put("set", set);
    }
    return map;
  }

  /** A duration, or the mapping of a time-aware wait. */
  private static Object delay(Action action) {
    if (action.until() instanceof Wait.UntilTimeOfDay until) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("until", until.at().toString());
      putIfPresent(map, "zone", until.zone());
      putIfPresent(map, "after", action.delay().isZero() ? null : duration(action.delay()));
      return map;
    }
    if (action.until() instanceof Wait.RelativeToTrait relative) {
      Map<String, Object> map = new LinkedHashMap<>();
      boolean before = relative.offset().isNegative();
      map.put(before ? "before" : "after", duration(relative.offset().abs()));
      map.put("trait", relative.trait());
      return map;
    }
    return action.delay().isZero() ? null : duration(action.delay());
  }

  /** A branch's arms, names left out where they are the default. */
  private static List<Object> branch(List<Branch> arms) {
    if (arms.isEmpty()) {
      return null;
    }
    List<Object> written = new ArrayList<>();
    for (int i = 0; i < arms.size(); i++) {
      Branch arm = arms.get(i);
      Map<String, Object> map = new LinkedHashMap<>();
      putIfPresent(
          map, "name", arm.name().equals(Branch.defaultName(arm.when(), i)) ? null : arm.name());
      if (arm.otherwise()) {
        map.put("otherwise", true);
      } else {
        map.put("when", arm.when().source());
      }
      putIfAny(map, "do", arm.actions(), JourneyWriter::action);
      putIfPresent(map, "goto", arm.gotoStage());
      written.add(map);
    }
    return written;
  }

  private static String duration(Duration duration) {
    return duration == null ? null : DurationText.format(duration);
  }

  private static String source(Condition condition) {
    return condition == null ? null : condition.source();
  }

  private static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /** Lists are left out when empty, as a hand-written file would. */
  private static <T> void putIfAny(
      Map<String, Object> map, String key, List<T> items, Function<T, Object> writer) {
    if (!items.isEmpty()) {
      map.put(key, items.stream().map(writer).toList());
    }
  }
}

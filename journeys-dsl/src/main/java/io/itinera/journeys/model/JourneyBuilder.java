package io.itinera.journeys.model;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Builds the same {@link Journey} a journey file would, for tests and for journeys defined in code.
 *
 * <pre>{@code
 * Journey cart = JourneyBuilder.journey("cart-reminder")
 *     .enterOn("Product Added")
 *     .stage("decision", s -> s.on(JourneyBuilder.absence("Order Completed", Duration.ofMinutes(15))
 *         .then(JourneyBuilder.action("email", "send", "cart-reminder").offer("free-shipping"))))
 *     .exitOn("Unsubscribed")
 *     .build();
 * }</pre>
 */
public final class JourneyBuilder {

  private final String name;
  private int version = 1;
  private String description = "";
  private Entry entry;
  private final List<Stage> stages = new ArrayList<>();
  private final List<Exit> exits = new ArrayList<>();
  private Goal goal;
  private ReEntryPolicy reEntry = new ReEntryPolicy.Never();
  private double holdoutPercent;
  private int priority;
  private final List<FrequencyCaps.ChannelCap> channelCaps = new ArrayList<>();
  private final List<FrequencyCaps.Cap> overallCaps = new ArrayList<>();
  private Duration offerCooldown;
  private final List<FrequencyCaps.Cap> journeyCaps = new ArrayList<>();
  private final List<QuietHours> quietHours = new ArrayList<>();
  private final List<Segment> segments = new ArrayList<>();

  private JourneyBuilder(String name) {
    this.name = name;
  }

  public static JourneyBuilder journey(String name) {
    return new JourneyBuilder(name);
  }

  public JourneyBuilder version(int version) {
    this.version = version;
    return this;
  }

  public JourneyBuilder description(String description) {
    this.description = description;
    return this;
  }

  public JourneyBuilder enterOn(String event) {
    return entry(new Entry(event, null, null));
  }

  public JourneyBuilder enterOn(String event, String when) {
    return entry(new Entry(event, Condition.of(when), null));
  }

  public JourneyBuilder enterWhen(String when) {
    return entry(new Entry(null, Condition.of(when), null));
  }

  public JourneyBuilder entry(Entry entry) {
    this.entry = entry;
    return this;
  }

  public JourneyBuilder stage(String stageName, UnaryOperator<StageBuilder> body) {
    stages.add(body.apply(new StageBuilder(stageName)).build());
    return this;
  }

  public JourneyBuilder exitOn(String event) {
    return exitOn(event, null);
  }

  public JourneyBuilder exitOn(String event, String when) {
    exits.add(new Exit(event, Condition.of(when)));
    return this;
  }

  public JourneyBuilder goal(String goalName, String event, String when, Duration within) {
    this.goal = new Goal(goalName, event, Condition.of(when), within);
    return this;
  }

  public JourneyBuilder reEntry(ReEntryPolicy reEntry) {
    this.reEntry = reEntry;
    return this;
  }

  public JourneyBuilder holdout(double percent) {
    this.holdoutPercent = percent;
    return this;
  }

  public JourneyBuilder priority(int priority) {
    this.priority = priority;
    return this;
  }

  public JourneyBuilder capChannel(String channel, int max, Duration per) {
    channelCaps.add(new FrequencyCaps.ChannelCap(channel, max, per));
    return this;
  }

  public JourneyBuilder capAcrossChannels(int max, Duration per) {
    overallCaps.add(new FrequencyCaps.Cap(max, per));
    return this;
  }

  /** At most {@code max} actions of this journey, on all channels, in any window of {@code per}. */
  public JourneyBuilder capJourney(int max, Duration per) {
    journeyCaps.add(new FrequencyCaps.Cap(max, per));
    return this;
  }

  public JourneyBuilder offerCooldown(Duration cooldown) {
    this.offerCooldown = cooldown;
    return this;
  }

  public JourneyBuilder quietHours(
      List<String> channels, LocalTime from, LocalTime to, String zone) {
    quietHours.add(new QuietHours(channels, from, to, zone));
    return this;
  }

  /** A named condition over the customer, recorded at entry for analytics' breakdowns. */
  public JourneyBuilder segment(String segmentName, String when) {
    segments.add(new Segment(segmentName, Condition.of(when)));
    return this;
  }

  public Journey build() {
    return new Journey(
        name,
        version,
        description,
        entry,
        stages,
        exits,
        goal,
        reEntry,
        holdoutPercent,
        priority,
        new FrequencyCaps(channelCaps, overallCaps, journeyCaps, offerCooldown),
        quietHours,
        segments);
  }

  public static TriggerBuilder touchpoint(String event) {
    return new TriggerBuilder(TriggerBuilder.Kind.TOUCHPOINT, event, 0, null);
  }

  public static TriggerBuilder count(String event, int atLeast, Duration within) {
    return new TriggerBuilder(TriggerBuilder.Kind.COUNT, event, atLeast, within);
  }

  public static TriggerBuilder absence(String event, Duration within) {
    return new TriggerBuilder(TriggerBuilder.Kind.ABSENCE, event, 0, within);
  }

  public static ActionBuilder action(String channel, String type, String template) {
    return new ActionBuilder(channel, type, template);
  }

  /**
   * An action that only changes the customer's traits: {@code trait} to the value of a CEL
   * expression ({@code "'gold'"} for a text); more with {@link ActionBuilder#set}.
   */
  public static ActionBuilder set(String trait, String expression) {
    return new ActionBuilder(null, null, null).set(trait, expression);
  }

  /** One stage: its enter actions and triggers, in order. */
  public static final class StageBuilder {
    private final String name;
    private String description = "";
    private final List<Action> enter = new ArrayList<>();
    private final List<Trigger> on = new ArrayList<>();

    private StageBuilder(String name) {
      this.name = name;
    }

    public StageBuilder description(String description) {
      this.description = description;
      return this;
    }

    public StageBuilder enter(ActionBuilder... actions) {
      enter.addAll(built(actions));
      return this;
    }

    public StageBuilder on(TriggerBuilder trigger) {
      on.add(trigger.build());
      return this;
    }

    private Stage build() {
      return new Stage(name, description, enter, on);
    }
  }

  /** A trigger of any kind; {@link #then} adds actions, {@link #goTo} a stage to move to. */
  public static final class TriggerBuilder {
    private enum Kind {
      TOUCHPOINT,
      COUNT,
      ABSENCE
    }

    private final Kind kind;
    private final String event;
    private final int atLeast;
    private final Duration within;
    private String name;
    private Condition when;
    private final List<Action> actions = new ArrayList<>();
    private String gotoStage;
    private Split split;

    private TriggerBuilder(Kind kind, String event, int atLeast, Duration within) {
      this.kind = kind;
      this.event = event;
      this.atLeast = atLeast;
      this.within = within;
    }

    public TriggerBuilder named(String name) {
      this.name = name;
      return this;
    }

    public TriggerBuilder when(String condition) {
      this.when = Condition.of(condition);
      return this;
    }

    public TriggerBuilder then(ActionBuilder... more) {
      actions.addAll(built(more));
      return this;
    }

    public TriggerBuilder goTo(String stage) {
      this.gotoStage = stage;
      return this;
    }

    /** An experiment run after the trigger's actions; see {@link JourneyBuilder#split}. */
    public TriggerBuilder split(Split split) {
      this.split = split;
      return this;
    }

    private Trigger build() {
      return switch (kind) {
        case TOUCHPOINT -> new TouchpointTrigger(name, event, when, actions, gotoStage, split);
        case COUNT ->
            new CountTrigger(name, event, when, atLeast, within, actions, gotoStage, split);
        case ABSENCE -> new AbsenceTrigger(name, event, when, within, actions, gotoStage, split);
      };
    }
  }

  /** A fixed (A/B/n) split of the given arms. */
  public static Split split(String splitName, Split.Arm... arms) {
    return new Split(splitName, Split.Strategy.FIXED, List.of(arms), 0, 0);
  }

  /** A Thompson-sampling split with the default minimum share and warm-up. */
  public static Split bandit(String splitName, Split.Arm... arms) {
    return new Split(
        splitName,
        Split.Strategy.BANDIT,
        List.of(arms),
        Split.DEFAULT_MIN_SHARE,
        Split.DEFAULT_WARM_UP);
  }

  /** An arm of a split: its weight in percent, its actions, and the stage it goes to or null. */
  public static Split.Arm arm(
      String armName, int weight, String gotoStage, ActionBuilder... actions) {
    return new Split.Arm(armName, weight, built(actions), gotoStage);
  }

  private static List<Action> built(ActionBuilder... actions) {
    return Arrays.stream(actions).map(ActionBuilder::build).toList();
  }

  /** One action on a channel. */
  public static final class ActionBuilder {
    private final String channel;
    private final String type;
    private final String template;
    private String name;
    private String offer;
    private final Map<String, String> params = new LinkedHashMap<>();
    private Duration delay = Duration.ZERO;
    private Action.Content content;
    private Condition when;
    private final Map<String, Condition> set = new LinkedHashMap<>();

    private ActionBuilder(String channel, String type, String template) {
      this.channel = channel;
      this.type = type;
      this.template = template;
    }

    public ActionBuilder named(String name) {
      this.name = name;
      return this;
    }

    public ActionBuilder offer(String offer) {
      this.offer = offer;
      return this;
    }

    public ActionBuilder param(String key, String value) {
      params.put(key, value);
      return this;
    }

    public ActionBuilder after(Duration delay) {
      this.delay = delay;
      return this;
    }

    /** The message as Liquid templates (either may be null). */
    public ActionBuilder content(String subject, String body) {
      this.content = new Action.Content(subject, body);
      return this;
    }

    /** A guard: the action is decided only when this CEL condition holds. */
    public ActionBuilder when(String condition) {
      this.when = Condition.of(condition);
      return this;
    }

    /** Also sets {@code trait} to the value of a CEL expression when the action is decided. */
    public ActionBuilder set(String trait, String expression) {
      set.put(trait, new Condition(expression));
      return this;
    }

    private Action build() {
      // As the parser names an action that only sets traits: "set a, b".
      String named =
          name == null && channel == null && !set.isEmpty()
              ? "set " + String.join(", ", new java.util.TreeSet<>(set.keySet()))
              : name;
      return new Action(
          named, channel, type, template, offer, params, delay, when, null, content, set);
    }
  }
}

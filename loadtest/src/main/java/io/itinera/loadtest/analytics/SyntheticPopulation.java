package io.itinera.loadtest.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Plays customers with planted conversion rates through a running engine over HTTP and prints the
 * analytics the engine reports beside the planted truth (issue 17, item 7).
 *
 * <p>It deploys a journey with a holdout and a goal (or {@code --journey-file}), sends each
 * customer an entry touchpoint, reads from the customer's decisions whether the engine held them
 * out and which experiment arm it gave them (the {@code JourneyEntered} and {@code ArmAssigned}
 * events), then sends the goal touchpoint to exactly the planted fraction of each arm (the
 * customers chosen at random with {@code --seed}): with exact fractions the reported PIS equals the
 * planted one up to the arms' rounding, so its interval must contain it. Then it polls the
 * analytics until they count what was played, and prints both. In {@code --waves} the entries and
 * goals alternate, with {@code --wave-pause} seconds between, so that a bandit sees conversions
 * while it assigns.
 *
 * <pre>
 * mvn -B -q -pl loadtest -am package -DskipTests
 * java -cp 'loadtest/target/classes:loadtest/target/lib/*' \
 *     io.itinera.loadtest.analytics.SyntheticPopulation --customers=20000 --holdout=10 \
 *     --treated-rate=0.12 --holdout-rate=0.10 \
 *     [--journey-file=... --assign-event=... --arms=a=0.05,b=0.10,c=0.15 --waves=16]
 * </pre>
 *
 * Exit status 0 when the analytics count exactly the customers and conversions played and the PIS
 * interval contains the planted PIS; 1 otherwise. Prints RESULT lines.
 */
public final class SyntheticPopulation {

  static final String TREATED = "treated";
  static final String HOLDOUT = "holdout";

  private static final int READERS = 16;

  private final Options options;
  private final EngineClient engine;
  private final Random random;
  private final Map<String, Tally> planted = new TreeMap<>();

  private SyntheticPopulation(Options options) {
    this.options = options;
    this.engine =
        new EngineClient(options.base(), options.writeKey(), options.readKey(), options.adminKey());
    this.random = new Random(options.seed());
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    System.exit(new SyntheticPopulation(options).run() ? 0 : 1);
  }

  private boolean run() throws Exception {
    engine.deploy(options.journey(), options.journeyYaml());
    System.out.printf(
        "journey %s deployed on %s; %,d customers in %d wave(s)%n",
        options.journey(), options.base(), options.customers(), options.waves());
    int perWave = (options.customers() + options.waves() - 1) / options.waves();
    long started = System.nanoTime();
    for (int from = 0; from < options.customers(); from += perWave) {
      playWave(from, Math.min(options.customers(), from + perWave));
      if (from + perWave < options.customers()) {
        Thread.sleep(options.wavePauseSeconds() * 1_000L);
      }
    }
    double playSeconds = (System.nanoTime() - started) / 1e9;
    planted.forEach(
        (arm, tally) ->
            System.out.printf(
                "played %s: %,d of %,d customers converted%n",
                arm, tally.converted(), tally.customers()));
    long caughtUp = System.nanoTime();
    Optional<JsonNode> answer = awaitAnalytics();
    double lagSeconds = (System.nanoTime() - caughtUp) / 1e9;
    System.out.printf(
        "played in %.1f s; the analytics answer was read %.1f s after the last goal%n",
        playSeconds, lagSeconds);
    if (answer.isEmpty()) {
      System.out.println("RESULT no analytics answer for " + options.journey());
      return false;
    }
    Optional<Reported> reported = Reported.from(answer.get());
    if (reported.isEmpty()) {
      System.out.println("no lift figures found in the answer:\n" + answer.get().toPrettyString());
      return false;
    }
    return new Comparison(options, planted).print(reported.get());
  }

  /** Customers {@code [from, to)}: entry, their arms, then the goal for the planted fraction. */
  private void playWave(int from, int to) throws Exception {
    List<String> ids = new ArrayList<>();
    List<ObjectNode> entries = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String id = options.journey() + "-c" + i;
      ids.add(id);
      entries.add(engine.trackMessage(id, options.entryEvent(), id + "-entry"));
      if (!options.assignEvent().isEmpty()) {
        // right after the entry and, batches being of an even size, in the same batch: in order
        entries.add(engine.trackMessage(id, options.assignEvent(), id + "-assign"));
      }
    }
    long started = System.nanoTime();
    engine.track(entries);
    long entered = System.nanoTime();
    Map<String, List<String>> byArm = new TreeMap<>();
    List<String> arms = armsOf(ids);
    long read = System.nanoTime();
    for (int i = 0; i < ids.size(); i++) {
      byArm.computeIfAbsent(arms.get(i), arm -> new ArrayList<>()).add(ids.get(i));
    }
    List<ObjectNode> goals = new ArrayList<>();
    byArm.forEach(
        (arm, customers) -> {
          Tally before = planted.getOrDefault(arm, Tally.NONE);
          long total = before.customers() + customers.size();
          long converting = Math.round(options.rateOf(arm) * total) - before.converted();
          Collections.shuffle(customers, random);
          for (String id : customers.subList(0, (int) Math.max(0, converting))) {
            goals.add(engine.trackMessage(id, options.goalEvent(), id + "-goal"));
          }
          planted.put(arm, before.plus(new Tally(customers.size(), Math.max(0, converting))));
        });
    engine.track(goals);
    Map<String, Integer> wave = new TreeMap<>();
    byArm.forEach((arm, customers) -> wave.put(arm, customers.size()));
    System.out.printf(
        "customers %,d to %,d: entered in %.1f s, arms read in %.1f s, %,d goals in %.1f s;"
            + " arms %s%n",
        from,
        to,
        (entered - started) / 1e9,
        (read - entered) / 1e9,
        goals.size(),
        (System.nanoTime() - read) / 1e9,
        wave);
  }

  /**
   * Each customer's arm as the engine decided it: {@code holdout}, else the arm of the journey's
   * first split when {@code --arms} is given, else {@code treated}.
   */
  private List<String> armsOf(List<String> ids) throws Exception {
    ExecutorService readers = Executors.newFixedThreadPool(READERS);
    try {
      List<Future<String>> arms = new ArrayList<>();
      for (String id : ids) {
        arms.add(readers.submit(() -> armOf(id)));
      }
      List<String> result = new ArrayList<>();
      for (Future<String> arm : arms) {
        result.add(arm.get());
      }
      return result;
    } finally {
      readers.shutdownNow();
    }
  }

  private String armOf(String id) throws Exception {
    Boolean heldOut = null;
    String arm = null;
    for (JsonNode decision : engine.decisions(id).path("decisions")) {
      for (JsonNode event : decision.path("events")) {
        if (!options.journey().equals(event.path("journey").asText())) {
          continue;
        }
        String kind = event.path("kind").asText();
        if (kind.equals("JourneyEntered") && heldOut == null) {
          heldOut = event.path("holdout").asBoolean();
        } else if (kind.equals("ArmAssigned") && arm == null) {
          arm = event.path("arm").asText();
        }
      }
    }
    if (heldOut == null) {
      throw new IllegalStateException(id + " did not enter " + options.journey());
    }
    if (heldOut) {
      return HOLDOUT;
    }
    return options.arms().isEmpty() || arm == null ? TREATED : arm;
  }

  /** Polls the analytics until they count what was played, or the timeout passes: the last one. */
  private Optional<JsonNode> awaitAnalytics() throws Exception {
    Tally treated = Comparison.treated(planted);
    Tally holdout = planted.getOrDefault(HOLDOUT, Tally.NONE);
    long deadline = System.nanoTime() + options.timeoutSeconds() * 1_000_000_000L;
    Optional<JsonNode> last = Optional.empty();
    while (System.nanoTime() < deadline) {
      last = engine.analytics(options.journey(), options.query());
      if (last.flatMap(Reported::from).filter(r -> r.counts(treated, holdout)).isPresent()) {
        return last;
      }
      Thread.sleep(1_000);
    }
    System.out.println("the analytics did not count what was played within the timeout");
    return last;
  }
}

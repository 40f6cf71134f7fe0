package io.itinera.journeys.simulate;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.load.LoadedJourney;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code itinera journeys simulate FILE... SCRIPT}: a dry run of journeys on a script of
 * timestamped touchpoints, without a cluster. It prints one line per touchpoint, stage change,
 * action, suppression (with its reason), deferral and timer, each at its virtual time; the engine
 * decides with the same {@link io.itinera.journeys.decision.JourneyDecider}, so what the trace
 * shows is what the engine would do.
 */
public final class Simulate {

  public static final int OK = 0;
  public static final int INVALID = 1;

  /** The seed when none is given, so that a script always gives the same trace. */
  public static final long DEFAULT_SEED = 1;

  private Simulate() {}

  /**
   * Loads the journeys and the script and prints the trace on {@code out}. Problems in any of them
   * go to {@code err} as {@code file:line:col: message}, all at once, and nothing is simulated.
   *
   * @return {@link #OK}, or {@link #INVALID} when a file has errors
   */
  public static int run(List<Path> journeyFiles, Path script, PrintStream out, PrintStream err) {
    return run(journeyFiles, script, DEFAULT_SEED, out, err);
  }

  /**
   * The same, with the seed of the bandit splits' random source: a run is repeatable, and another
   * seed shows another course the bandit could take.
   */
  public static int run(
      List<Path> journeyFiles, Path script, long seed, PrintStream out, PrintStream err) {
    JourneyLoader loader = new JourneyLoader();
    List<LoadedJourney> journeys = new ArrayList<>();
    boolean valid = true;
    for (Path file : journeyFiles) {
      LoadResult result = loader.load(file);
      result.errors().forEach(problem -> err.println(problem.format(file.toString())));
      if (result.ok()) {
        journeys.add(result.loaded());
      } else {
        valid = false;
      }
    }
    String text;
    try {
      text = Files.readString(script, StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      err.println(script + ": cannot read the script: " + unreadable.getMessage());
      return INVALID;
    }
    ScriptReader.Read read = ScriptReader.read(script.getFileName().toString(), text);
    for (Diagnostic problem : read.problems()) {
      err.println(problem.format(script.toString()));
    }
    if (!valid || !read.problems().isEmpty()) {
      return INVALID;
    }
    if (!new Simulation(journeys, out, seed).run(read.steps())) {
      err.println(
          script
              + ": timers were still firing after "
              + Simulation.TIMERS_WITHOUT_END
              + " of them; end the script with a line such as '2026-12-31T00:00:00Z end'");
      return INVALID;
    }
    return OK;
  }

  /** One journey: {@code simulate FILE SCRIPT}. */
  public static int run(Path journeyFile, Path script, PrintStream out, PrintStream err) {
    return run(List.of(journeyFile), script, out, err);
  }
}

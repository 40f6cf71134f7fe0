package io.itinera.journeys.cli;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.JourneyLoader;
import io.itinera.journeys.load.LoadResult;
import io.itinera.journeys.render.MermaidRenderer;
import io.itinera.journeys.simulate.Simulate;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code itinera journeys}: what a journey designer runs before deploying. {@code validate FILE...}
 * prints every problem on standard output as {@code file:line:col: message} (the format editors and
 * CI annotate from) and exits 1 if any file has an error; {@code render FILE} prints a Mermaid
 * diagram. Misuse of the command itself goes to standard error with exit code 2.
 */
public final class JourneysCli {

  static final int OK = 0;
  static final int INVALID = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT =
      """
      usage: itinera journeys validate FILE...   check journey files; exit 1 on any error
             itinera journeys render FILE        print the journey as a Mermaid state diagram
             itinera journeys simulate [--seed N] FILE... SCRIPT
                                                 dry-run journeys on a script of touchpoints;
                                                 N seeds the bandit splits (default 1)
      """;

  private final PrintStream out;
  private final PrintStream err;

  JourneysCli(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(new JourneysCli(System.out, System.err).run(args));
  }

  int run(String... args) {
    if (args.length == 0) {
      err.print(USAGE_TEXT);
      return USAGE;
    }
    List<String> files = Arrays.asList(args).subList(1, args.length);
    switch (args[0]) {
      case "validate":
        return files.isEmpty() ? usage("validate needs at least one FILE") : validate(files);
      case "render":
        return files.size() != 1 ? usage("render needs exactly one FILE") : render(files.get(0));
      case "simulate":
        return simulate(files);
      case "help":
      case "--help":
      case "-h":
        out.print(USAGE_TEXT);
        return OK;
      default:
        return usage("unknown command '" + args[0] + "'");
    }
  }

  private int simulate(List<String> args) {
    long seed = Simulate.DEFAULT_SEED;
    List<String> files = args;
    if (!args.isEmpty() && args.get(0).equals("--seed")) {
      if (args.size() < 2 || !args.get(1).matches("-?\\d{1,18}")) {
        return usage("--seed needs a whole number, e.g. --seed 42");
      }
      seed = Long.parseLong(args.get(1));
      files = args.subList(2, args.size());
    }
    return files.size() < 2
        ? usage("simulate needs FILE... SCRIPT")
        : Simulate.run(
            files.subList(0, files.size() - 1).stream().map(Path::of).toList(),
            Path.of(files.get(files.size() - 1)),
            seed,
            out,
            err);
  }

  private int validate(List<String> files) {
    JourneyLoader loader = new JourneyLoader();
    int errors = 0;
    int warnings = 0;
    for (String file : files) {
      LoadResult result = loader.load(Path.of(file));
      for (Diagnostic problem : result.problems()) {
        out.println(problem.format(file));
      }
      errors += result.errors().size();
      warnings += result.warnings().size();
    }
    out.println(
        files.size()
            + (files.size() == 1 ? " file" : " files")
            + " checked: "
            + errors
            + (errors == 1 ? " error" : " errors")
            + ", "
            + warnings
            + (warnings == 1 ? " warning" : " warnings"));
    return errors == 0 ? OK : INVALID;
  }

  private int render(String file) {
    LoadResult result = new JourneyLoader().load(Path.of(file));
    if (!result.ok()) {
      result.problems().forEach(problem -> err.println(problem.format(file)));
      return INVALID;
    }
    out.print(MermaidRenderer.render(result.loaded().journey()));
    return OK;
  }

  private int usage(String problem) {
    err.println("itinera journeys: " + problem);
    err.print(USAGE_TEXT);
    return USAGE;
  }
}

package io.itinera.journeys.load;

import io.itinera.journeys.diagnostic.Diagnostic;
import java.util.List;

/**
 * Shared by tests: one loader (the CEL environment is costly) and problems as the CLI prints them.
 */
public final class Journeys {

  public static final JourneyLoader LOADER = new JourneyLoader();

  private Journeys() {}

  public static List<String> problems(String yaml) {
    return LOADER.load("j.yaml", yaml).problems().stream().map(p -> p.format("j.yaml")).toList();
  }

  public static List<String> errors(String yaml) {
    return LOADER.load("j.yaml", yaml).problems().stream()
        .filter(Diagnostic::isError)
        .map(p -> p.format("j.yaml"))
        .toList();
  }
}

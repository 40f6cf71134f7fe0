package io.itinera.journeys.load;

import io.itinera.journeys.diagnostic.Diagnostic;
import java.util.List;

/**
 * The outcome of loading one journey: the loaded journey when there were no errors (warnings allow
 * it), and every problem found, in file order.
 */
public record LoadResult(String file, LoadedJourney loaded, List<Diagnostic> problems) {

  public boolean ok() {
    return loaded != null;
  }

  public List<Diagnostic> errors() {
    return problems.stream().filter(Diagnostic::isError).toList();
  }

  public List<Diagnostic> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }
}

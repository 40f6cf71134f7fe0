package io.itinera.journeys.load;

import io.itinera.journeys.problem.Problem;
import java.util.List;

/**
 * The outcome of loading one journey: the loaded journey when there were no errors (warnings allow
 * it), and every problem found, in file order.
 */
public record LoadResult(String file, LoadedJourney loaded, List<Problem> problems) {

  public boolean ok() {
    return loaded != null;
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }
}

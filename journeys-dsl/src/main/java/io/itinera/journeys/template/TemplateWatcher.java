package io.itinera.journeys.template;

/**
 * Told what renderings came to that the journey's designer should know of; the engine counts them
 * in metrics, the simulator ignores them. Called on the deciding thread, so it must be cheap.
 */
public interface TemplateWatcher {

  TemplateWatcher NONE = (journey, action, variable) -> {};

  /**
   * A template of {@code action} read {@code variable}, which the customer or event did not have;
   * it rendered empty. Variables followed by a {@code default} filter are not reported.
   */
  void missingVariable(String journey, String action, String variable);
}

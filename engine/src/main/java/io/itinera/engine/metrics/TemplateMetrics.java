package io.itinera.engine.metrics;

import io.itinera.journeys.template.TemplateWatcher;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the journeys' Liquid templates missed: {@code itinera_template_missing_variables_total
 * {journey, action}} counts each variable a rendering read and did not find (it rendered empty), so
 * a designer learns that {@code customer.traits.first_name} is rarely set. Templates stopped by the
 * sandbox are {@code itinera_actions_suppressed_total{reason="template_failed"}}.
 */
public final class TemplateMetrics implements TemplateWatcher {

  private final CounterFamily missing;

  TemplateMetrics(MeterRegistry registry) {
    this.missing =
        new CounterFamily(
            registry,
            "itinera.template.missing.variables",
            "Variables a journey's template read that the customer or event did not have",
            "journey",
            "action");
  }

  @Override
  public void missingVariable(String journey, String action, String variable) {
    missing.of(journey, action).increment();
  }
}

package io.itinera.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * {@code POST /v1/track}: one event per request, random customers (uniform over {@code customers}
 * userIds), unique messageIds, open model (a staircase of constant arrival rates). The same
 * simulation drives the two ceilings that speak the same request (the bare route and the bare
 * entity), so the rows are measured the same way. Events/s = requests/s.
 */
public class TrackSimulation extends Simulation {

  private final Staircase s = new Staircase("track", "1000:500:24", "c-", 1);

  {
    setUp(
            scenario(s.label)
                .exec(s.request("/v1/track", session -> "{" + s.trackFields() + "}"))
                .injectOpen(s.injection()))
        .protocols(s.protocol())
        .maxDuration(s.maxDuration());
  }

  @Override
  public void after() {
    s.meter.report("POST /v1/track to " + s.target + ", " + s.customers + " customers");
  }
}

package io.itinera.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * {@code POST /v1/batch}: batches of {@code batchSize} (100) track events, each of a random
 * customer (uniform over {@code customers} userIds), open model (a staircase of constant arrival
 * rates, in requests/s). Events/s = requests/s x batchSize.
 */
public class BatchSimulation extends Simulation {

  private static final int BATCH_SIZE = Integer.getInteger("batchSize", 100);

  private final Staircase s = new Staircase("batch", "20:20:20", "c-", BATCH_SIZE);

  private String body() {
    StringBuilder b = new StringBuilder(BATCH_SIZE * 220).append("{\"batch\":[");
    for (int i = 0; i < BATCH_SIZE; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append("{\"type\":\"track\",").append(s.trackFields()).append('}');
    }
    return b.append("]}").toString();
  }

  {
    setUp(
            scenario(s.label)
                .exec(s.request("/v1/batch", session -> body()))
                .injectOpen(s.injection()))
        .protocols(s.protocol())
        .maxDuration(s.maxDuration());
  }

  @Override
  public void after() {
    s.meter.report(
        "POST /v1/batch of " + BATCH_SIZE + " to " + s.target + ", " + s.customers + " customers");
  }
}

package io.itinera.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;

/**
 * {@code POST /v1/track} of "Bench Ping", which the delivery benchmark's journey answers with one
 * webhook action each (loadtest/delivery/bench.journey.yaml): the load behind the ingest-to-webhook
 * latency. The ingest side is timed by {@link Meter} as in {@link TrackSimulation}; the webhook side
 * by the receiver (io.itinera.loadtest.delivery.WebhookSink). Events/s = requests/s = webhooks/s.
 */
public class DeliverySimulation extends Simulation {

  private final Staircase s = new Staircase("delivery", "2000:0:6", "b-", 1);

  {
    setUp(
            scenario(s.label)
                .exec(s.request("/v1/track", session -> "{" + fields() + "}"))
                .injectOpen(s.injection()))
        .protocols(s.protocol())
        .maxDuration(s.maxDuration());
  }

  private long events;

  private synchronized String fields() {
    long event = events++;
    return "\"userId\":\"" + s.customer(event) + "\",\"event\":\"Bench Ping\",\"messageId\":\""
        + s.runId + "-" + event + "\",\"context\":{\"channel\":\"app\"}";
  }

  @Override
  public void after() {
    s.meter.report("POST /v1/track (Bench Ping, one webhook each) to " + s.target + ", " + s.customers + " customers");
  }
}

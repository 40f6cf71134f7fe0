package io.itinera.loadtest;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /v1/track} of "Bench Ping", which the delivery benchmark's journey answers with one
 * webhook action each (loadtest/delivery/bench.journey.yaml): the load behind the ingest-to-webhook
 * latency. The ingest side is timed by {@link Meter} as in {@link TrackSimulation}; the webhook
 * side by the receiver (io.itinera.loadtest.delivery.WebhookSink). Events/s = requests/s =
 * webhooks/s.
 */
public class DeliverySimulation extends Simulation {

  private final Staircase s = new Staircase("delivery", "2000:0:6", "b-", 1);

  {
    setUp(
            scenario(s.label)
                .exec(s.request("/v1/track", session -> "{" + fields() + "}", this::acknowledged))
                .injectOpen(s.injection()))
        .protocols(s.protocol())
        .maxDuration(s.maxDuration());
  }

  private long events;

  private synchronized String fields() {
    long event = events++;
    return "\"userId\":\""
        + s.customer(event)
        + "\",\"event\":\"Bench Ping\",\"messageId\":\""
        + s.runId
        + "-"
        + event
        + "\",\"context\":{\"channel\":\"app\"}";
  }

  /** When each action's touchpoint was acknowledged (epoch microseconds), by action id. */
  private final Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();

  private void acknowledged(Session session) {
    if (session.isFailed() || !session.contains("actionIds")) {
      return;
    }
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    for (Object id : session.getList("actionIds")) {
      acknowledgedAt.put(id.toString(), micros);
    }
  }

  @Override
  public void after() {
    s.meter.report(
        "POST /v1/track (Bench Ping, one webhook each) to "
            + s.target
            + ", "
            + s.customers
            + " customers");
    // -DacksFile: "action id,acknowledged at" lines, for the harness to join with the receiver's
    // arrivals (acknowledgement to webhook, the goal's own measure).
    String file = System.getProperty("acksFile");
    if (file != null) {
      StringBuilder lines = new StringBuilder();
      acknowledgedAt.forEach(
          (id, micros) -> lines.append(id).append(',').append(micros).append('\n'));
      try {
        Files.writeString(Path.of(file), lines);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

package io.itinera.engine.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * One node's meters, in a Prometheus registry scraped at {@code GET /metrics} on the management
 * port ({@code ops.MetricsRoute}). One per actor system, so several nodes in one JVM (the tests)
 * each report their own. Every meter is named {@code itinera.*} (Prometheus: {@code itinera_*}),
 * beside the JVM's own ({@code jvm_*}, {@code process_*}, {@code system_*}); docs/operations.md
 * lists them.
 */
public final class Metrics implements Extension {

  private static final Id ID = new Id();

  private final PrometheusMeterRegistry registry;
  private final IngestMetrics ingest;
  private final CustomerMetrics customers;
  private final TimerMetrics timers;
  private final DeliveryMetrics deliveries;
  private final java.util.Map<String, ProjectionMetrics> projections =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final TemplateMetrics templates;

  private Metrics(ExtendedActorSystem system) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    // The GC meters listen to the JVM's GC notifications: stop listening with the node.
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    system.registerOnTermination(
        () -> {
          gc.close();
          registry.close();
        });
    this.ingest = new IngestMetrics(registry);
    this.customers = new CustomerMetrics(registry);
    this.timers = new TimerMetrics(registry);
    this.deliveries = new DeliveryMetrics(registry);
    this.templates = new TemplateMetrics(registry);
  }

  public static Metrics get(ActorSystem<?> system) {
    return get(Adapter.toClassic(system));
  }

  public static Metrics get(org.apache.pekko.actor.ActorSystem system) {
    return ID.get(system);
  }

  /** The meters of one read-side projection (analytics, outbox...), registered once by name. */
  public ProjectionMetrics projection(String name) {
    return projections.computeIfAbsent(name, n -> new ProjectionMetrics(registry, n));
  }

  /** Where other parts of the engine register their own meters (named {@code itinera.*}). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The ingest path: touchpoints recorded and refused, persist latency, admission. */
  public IngestMetrics ingest() {
    return ingest;
  }

  /** What the customer entities of this node decide, persist and recover. */
  public CustomerMetrics customers() {
    return customers;
  }

  /** The timer wakers running on this node. */
  public TimerMetrics timers() {
    return timers;
  }

  /** Webhook attempts and the eager outbox. */
  public DeliveryMetrics deliveries() {
    return deliveries;
  }

  /** Missing variables in the journeys' templates; the deployed journeys report to it. */
  public TemplateMetrics templates() {
    return templates;
  }

  /** Every meter in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  private static final class Id extends AbstractExtensionId<Metrics> {
    @Override
    public Metrics createExtension(ExtendedActorSystem system) {
      return new Metrics(system);
    }
  }
}

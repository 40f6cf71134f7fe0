package io.itinera.engine.ops;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first steps of a planned leave (SIGTERM, {@code ItineraNode.stop}), so that no client sees
 * it: in coordinated shutdown's {@code before-service-unbind} phase the node turns not ready
 * ({@link ShutdownReadinessCheck}) and keeps serving for {@code itinera.shutdown.drain-delay}, long
 * enough for load balancers and Kubernetes to stop sending to it; then the HTTP port is unbound
 * ({@code service-unbind}) and the requests in progress are finished within {@code
 * itinera.shutdown.requests-deadline} ({@code service-requests-done}). Sharding hands the node's
 * shards off after that, in Pekko's own {@code cluster-sharding-shutdown-region} phase.
 *
 * <p>A node downed by the split-brain resolver, or that could not join, skips the delay: nobody can
 * reach its customers through it any more.
 */
public final class GracefulLeave implements Extension {

  private static final Logger log = LoggerFactory.getLogger(GracefulLeave.class);

  private static final ExtensionId<GracefulLeave> ID =
      new ExtensionId<>() {
        @Override
        public GracefulLeave createExtension(ActorSystem<?> system) {
          return new GracefulLeave();
        }
      };

  private final AtomicBoolean leaving = new AtomicBoolean();

  private GracefulLeave() {}

  public static GracefulLeave get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** How long to keep serving while not ready, and how long requests in progress may still take. */
  public record Settings(Duration drainDelay, Duration requestsDeadline) {

    public static Settings from(Config config) {
      return new Settings(
          config.getDuration("itinera.shutdown.drain-delay"),
          config.getDuration("itinera.shutdown.requests-deadline"));
    }

    /**
     * Refuses settings that the coordinated-shutdown phases would cut short: a phase that times out
     * goes on to the next one, so the node would stop serving before the load balancer stopped
     * sending, or drop requests it still holds.
     */
    void checkAgainst(Config config) {
      Duration drainPhase = phaseTimeout(config, "before-service-unbind");
      Duration requestsPhase = phaseTimeout(config, "service-requests-done");
      if (drainDelay.compareTo(drainPhase) >= 0) {
        throw new IllegalStateException(
            "itinera.shutdown.drain-delay ("
                + drainDelay
                + ") must be shorter than pekko.coordinated-shutdown.phases.before-service-unbind"
                + ".timeout ("
                + drainPhase
                + ")");
      }
      if (requestsDeadline.compareTo(requestsPhase) >= 0) {
        throw new IllegalStateException(
            "itinera.shutdown.requests-deadline ("
                + requestsDeadline
                + ") must be shorter than pekko.coordinated-shutdown.phases.service-requests-done"
                + ".timeout ("
                + requestsPhase
                + ")");
      }
    }

    private static Duration phaseTimeout(Config config, String phase) {
      String path = "pekko.coordinated-shutdown.phases." + phase + ".timeout";
      return config.hasPath(path)
          ? config.getDuration(path)
          : config.getDuration("pekko.coordinated-shutdown.default-phase-timeout");
    }
  }

  /**
   * Adds the drain, the unbind and the wait for requests in progress to coordinated shutdown, for
   * the gateway's {@code binding}.
   */
  public static void register(ActorSystem<?> system, ServerBinding binding, Settings settings) {
    settings.checkAgainst(system.settings().config());
    GracefulLeave leave = get(system);
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(
        CoordinatedShutdown.PhaseBeforeServiceUnbind(),
        "itinera-not-ready-and-drain",
        () -> leave.drain(system, shutdown, settings.drainDelay()));
    // Unbinds in service-unbind, then waits for the requests in progress (new requests on open
    // connections get 503 and Connection: close) in service-requests-done.
    binding.addToCoordinatedShutdown(settings.requestsDeadline(), system);
  }

  private CompletionStage<Done> drain(
      ActorSystem<?> system, CoordinatedShutdown shutdown, Duration delay) {
    leaving.set(true);
    boolean unreachable =
        shutdown
            .getShutdownReason()
            .map(
                reason ->
                    reason == CoordinatedShutdown.clusterDowningReason()
                        || reason == CoordinatedShutdown.clusterJoinUnsuccessfulReason())
            .orElse(false);
    if (unreachable || delay.isZero()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    log.info(
        "Leaving: not ready from now, still serving for {} ms before the HTTP port closes",
        delay.toMillis());
    return Patterns.after(
        delay,
        system.classicSystem().scheduler(),
        system.executionContext(),
        () -> CompletableFuture.completedFuture(Done.getInstance()));
  }

  /** Whether this node has begun to leave (it is then not ready). */
  public boolean leaving() {
    return leaving.get();
  }
}

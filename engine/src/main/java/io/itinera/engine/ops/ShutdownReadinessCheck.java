package io.itinera.engine.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Readiness: the node has not begun to leave. It fails from the first moment of coordinated
 * shutdown while the node still serves ({@link GracefulLeave}), so that load balancers stop sending
 * to it before its HTTP port closes. Registered in {@code management.conf}.
 */
public final class ShutdownReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final GracefulLeave leave;

  public ShutdownReadinessCheck(ActorSystem system) {
    this.leave = GracefulLeave.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!leave.leaving());
  }
}

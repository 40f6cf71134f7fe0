package io.itinera.engine.ops;

import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * Readiness: the journal's database answers. Registered in {@code management.conf}; Pekko
 * Management creates it with the actor system and asks it on every {@code /ready}.
 */
public final class JournalReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final Storage storage;
  private final Executor blocking;

  public JournalReadinessCheck(ActorSystem system) {
    org.apache.pekko.actor.typed.ActorSystem<Void> typed = Adapter.toTyped(system);
    this.storage = StorageExtension.get(typed);
    this.blocking = typed.dispatchers().lookup(DispatcherSelector.blocking());
  }

  /**
   * False when the database does not answer within 2 s: waiting for a connection alone can take the
   * pool's 3 s, and {@code /ready} should say "not ready" (503 with the reason, see {@link
   * HealthChecksRoute}) as soon as a probe asks, not after {@code check-timeout}.
   */
  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.supplyAsync(() -> storage.answers(2), blocking)
        .completeOnTimeout(false, 2, TimeUnit.SECONDS);
  }
}

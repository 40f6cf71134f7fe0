package io.itinera.engine.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Runs blocking JDBC work on {@code itinera.blocking-dispatcher}, never on an actor's or a route's
 * thread: a connection wait there would stall every actor sharing the default dispatcher. The one
 * place that looks the dispatcher up and turns checked SQL failures into a failed stage.
 */
public final class BlockingSql {

  /** The dispatcher, in {@code engine/src/main/resources/itinera.conf}. */
  public static final String DISPATCHER = "itinera.blocking-dispatcher";

  /** Blocking work that may throw (SQL, I/O). */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Exception;
  }

  private final Executor executor;

  public BlockingSql(Executor executor) {
    this.executor = executor;
  }

  public static BlockingSql of(ActorSystem<?> system) {
    return new BlockingSql(system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER)));
  }

  /** The work's result, or a stage failed with what it threw (unwrapped, as the caller sees it). */
  public <T> CompletableFuture<T> supply(Work<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return work.run();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        executor);
  }

  /** For APIs that take an executor (a stage's {@code thenApplyAsync}, a Pekko stream). */
  public Executor executor() {
    return executor;
  }
}

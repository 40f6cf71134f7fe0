package io.itinera.engine.entry;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The one place in the cluster where segment entries run: a Pekko cluster singleton that ticks the
 * {@link EntryScheduler} on a thread of its own (a run pages through the index and waits on entity
 * asks, which must not hold an actor's thread). When its node leaves, the singleton stops, the run
 * stops after the ask it is on, and the singleton's next node resumes it from the stored cursor.
 */
public final class EntryRunner {

  sealed interface Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record Finished(Throwable failure) implements Command {}

  private EntryRunner() {}

  public static void init(ActorSystem<?> system, EntryScheduler scheduler, Duration tick) {
    ClusterSingleton.get(system)
        .init(
            SingletonActor.of(
                Behaviors.supervise(behavior(scheduler, tick))
                    .onFailure(SupervisorStrategy.restart()),
                "entry-runs"));
  }

  private static Behavior<Command> behavior(EntryScheduler scheduler, Duration tick) {
    return Behaviors.setup(
        context -> {
          ExecutorService worker =
              Executors.newSingleThreadExecutor(
                  runnable -> {
                    Thread thread = new Thread(runnable, "itinera-entry-runs");
                    thread.setDaemon(true);
                    return thread;
                  });
          AtomicBoolean stopped = new AtomicBoolean();
          AtomicBoolean running = new AtomicBoolean();
          return Behaviors.withTimers(
              timers -> {
                timers.startTimerWithFixedDelay(Tick.INSTANCE, tick);
                return Behaviors.receive(Command.class)
                    .onMessage(
                        Tick.class,
                        t -> {
                          if (running.compareAndSet(false, true)) {
                            CompletableFuture.runAsync(
                                    () -> {
                                      try {
                                        scheduler.tick(stopped::get);
                                      } catch (SQLException e) {
                                        throw new CompletionException(e);
                                      }
                                    },
                                    worker)
                                .whenComplete(
                                    (done, failure) ->
                                        context.getSelf().tell(new Finished(failure)));
                          }
                          return Behaviors.same();
                        })
                    .onMessage(
                        Finished.class,
                        finished -> {
                          running.set(false);
                          if (finished.failure() != null) {
                            context
                                .getLog()
                                .warn(
                                    "An entry run stopped on a failure; the next tick resumes it"
                                        + " from its cursor: {}",
                                    finished.failure().toString());
                          }
                          return Behaviors.same();
                        })
                    .onSignal(
                        PostStop.class,
                        signal -> {
                          stopped.set(true);
                          worker.shutdown();
                          return Behaviors.same();
                        })
                    .build();
              });
        });
  }
}

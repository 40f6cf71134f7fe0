package io.itinera.engine.storage;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's {@link Storage}, one per actor system, so that parts created by Pekko itself (health
 * checks) reach the same pool. Closed at the end of coordinated shutdown.
 */
public final class StorageExtension implements Extension {

  private static final ExtensionId<StorageExtension> ID =
      new ExtensionId<>() {
        @Override
        public StorageExtension createExtension(ActorSystem<?> system) {
          Storage storage = Storage.open(StorageSettings.from(system.settings().config()));
          CoordinatedShutdown.get(system)
              .addTask(
                  CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
                  "close-itinera-storage",
                  () -> {
                    storage.close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                  });
          return new StorageExtension(storage);
        }
      };

  private final Storage storage;

  private StorageExtension(Storage storage) {
    this.storage = storage;
  }

  public static Storage get(ActorSystem<?> system) {
    return ID.apply(system).storage;
  }
}

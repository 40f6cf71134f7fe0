package io.itinera.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one engine node with application.conf and ITINERA_* environment overrides. */
public final class Main {

  // Before the logger below: initialising logging already starts the common pool.
  static {
    setCommonPoolParallelism();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  private static void setCommonPoolParallelism() {
    if (System.getProperty(ItineraNode.COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          ItineraNode.COMMON_POOL_PARALLELISM,
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
  }

  public static void main(String[] args) {
    try {
      ItineraNode node = ItineraNode.start();
      node.system().getWhenTerminated().toCompletableFuture().join();
    } catch (IllegalStateException e) {
      log.error(e.getMessage());
      System.exit(1);
    }
  }
}

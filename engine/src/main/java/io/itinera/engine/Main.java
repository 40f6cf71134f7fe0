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

  /**
   * Pekko's Java asks return Scala's CompletableFuture, which turns every callback into an async
   * one on the common fork-join pool, and with fewer than two workers (any machine with two cores
   * or fewer) the JDK runs each async callback on a new thread: 150 threads a second at 1,000
   * requests/s, measured here. Two workers at least, before anything touches the pool.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private static void setCommonPoolParallelism() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(
          COMMON_POOL_PARALLELISM,
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

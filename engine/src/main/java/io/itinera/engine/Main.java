package io.itinera.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one engine node with application.conf and ITINERA_* environment overrides. */
public final class Main {

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

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

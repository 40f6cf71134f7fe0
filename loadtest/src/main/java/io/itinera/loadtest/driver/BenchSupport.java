package io.itinera.loadtest.driver;

import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.server.Route;

/** What the benchmarks that run an engine in-process or beside them share. */
public final class BenchSupport {

  private BenchSupport() {}

  /**
   * As the engine's Main does, before anything starts the common pool (call it from the benchmark's
   * static initializer): with fewer than two workers every callback on an ask runs on a new thread.
   */
  public static void ensureCommonPoolWorkers() {
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
    }
  }

  /**
   * The shared test server runs with autovacuum off; without statistics PostgreSQL plans the
   * journal's queries for empty tables. ANALYZE every 10 s, as autovacuum would.
   */
  public static void standInForAutovacuum(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SHOW autovacuum")) {
      rows.next();
      if (!"off".equals(rows.getString(1))) {
        return;
      }
    }
    System.out.println("autovacuum is off on this server: ANALYZE every 10 s stands in for it");
    Thread analyzer =
        new Thread(
            () -> {
              while (true) {
                try {
                  Thread.sleep(10_000);
                  try (Connection c = DriverManager.getConnection(url, "postgres", "");
                      Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // the database is gone at the end of the run
                }
              }
            },
            "analyze");
    analyzer.setDaemon(true);
    analyzer.start();
  }

  /** An actor system that joins no cluster, on the loaded config with {@code settings} on top. */
  public static ActorSystem<Void> localSystem(String name, String settings) {
    return ActorSystem.create(
        Behaviors.empty(),
        name,
        ConfigFactory.parseString("pekko.actor.provider = local\n" + settings)
            .withFallback(ConfigFactory.load()));
  }

  /** Serves {@code route} on 127.0.0.1 and blocks until the system terminates. */
  public static void serve(ActorSystem<?> system, Route route, int port) throws Exception {
    Http.get(system).newServerAt("127.0.0.1", port).bind(route).toCompletableFuture().get();
    System.out.println(system.name() + " listening on 127.0.0.1:" + port);
    system.getWhenTerminated().toCompletableFuture().join();
  }

  /** POSTs with the development write key until 200, every 0.5 s, at most 21 times. */
  public static void postUntilOk(HttpClient http, String url, String body) throws Exception {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> reply =
          http.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Authorization", OpenLoad.basic("dev-write-key"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (reply.statusCode() == 200) {
        return;
      }
      if (attempt == 20) {
        throw new IllegalStateException(reply.statusCode() + " " + reply.body());
      }
      Thread.sleep(500);
    }
  }
}

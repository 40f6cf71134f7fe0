package io.itinera.engine.support;

import io.itinera.engine.ItineraNode;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One engine node on a fresh PostgreSQL database, shared by the tests of a class: started before
 * the first, and after the last stopped and its database dropped, even when a test or the start
 * itself failed. Registered as {@code @RegisterExtension static final NodeOnFreshDatabase NODE =
 * NodeOnFreshDatabase.named("routes");}, with {@code static final ApiClient api = NODE.api();}
 * beside it for the calls.
 *
 * <p>{@link #sharedAs} gives test classes that leave no state the others could see (refused
 * requests, distinct customers) one node for the whole run, stopped when the run ends: a node's
 * start and graceful stop cost seconds that such a class need not pay again.
 */
public final class NodeOnFreshDatabase
    implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

  private static final ExtensionContext.Namespace SHARED =
      ExtensionContext.Namespace.create(NodeOnFreshDatabase.class);

  private final String purpose;
  private final Clock clock;
  private final boolean shared;
  private final ApiClient api = new ApiClient(() -> node().httpPort());
  private TestDatabase database;
  private ItineraNode node;

  private NodeOnFreshDatabase(String purpose, Clock clock, boolean shared) {
    this.purpose = purpose;
    this.clock = clock;
    this.shared = shared;
  }

  /** {@code purpose} goes into the database's name, to tell a leftover one's test. */
  public static NodeOnFreshDatabase named(String purpose) {
    return new NodeOnFreshDatabase(purpose, Clock.systemUTC(), false);
  }

  /** The node of every class registered with the same {@code purpose}, for the whole run. */
  public static NodeOnFreshDatabase sharedAs(String purpose) {
    return new NodeOnFreshDatabase(purpose, Clock.systemUTC(), true);
  }

  /** The node's time comes from {@code clock}, e.g. a {@link TestClock} so timers come due. */
  public NodeOnFreshDatabase withClock(Clock clock) {
    return new NodeOnFreshDatabase(purpose, clock, shared);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (!shared) {
      start();
      return;
    }
    NodeOnFreshDatabase running =
        context
            .getRoot()
            .getStore(SHARED)
            .getOrComputeIfAbsent(purpose, key -> startNew(), NodeOnFreshDatabase.class);
    database = running.database;
    node = running.node;
  }

  private NodeOnFreshDatabase startNew() {
    NodeOnFreshDatabase running = new NodeOnFreshDatabase(purpose, clock, true);
    try {
      running.start();
    } catch (RuntimeException e) {
      running.close();
      throw e;
    }
    return running;
  }

  private void start() {
    database = TestDatabase.createFresh(purpose);
    node = TestNode.start(Map.of("itinera.db.url", database.url()), clock);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!shared) {
      close();
    }
  }

  /** Stops the node and drops its database; JUnit calls it at the end of the run when shared. */
  @Override
  public void close() {
    try {
      if (node != null) {
        TestNode.stop(node);
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  public ItineraNode node() {
    return started(node);
  }

  public TestDatabase database() {
    return started(database);
  }

  /**
   * Calls to the node, each held to docs/openapi.yaml. Ready before the node is, so a test class
   * can keep it in a field of its own.
   */
  public ApiClient api() {
    return api;
  }

  private static <T> T started(T resource) {
    if (resource == null) {
      throw new IllegalStateException("The node starts before the class's first test");
    }
    return resource;
  }
}

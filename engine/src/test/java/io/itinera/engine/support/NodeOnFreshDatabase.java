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
 */
public final class NodeOnFreshDatabase implements BeforeAllCallback, AfterAllCallback {

  private final String purpose;
  private final Clock clock;
  private final ApiClient api = new ApiClient(() -> node().httpPort());
  private TestDatabase database;
  private ItineraNode node;

  private NodeOnFreshDatabase(String purpose, Clock clock) {
    this.purpose = purpose;
    this.clock = clock;
  }

  /** {@code purpose} goes into the database's name, to tell a leftover one's test. */
  public static NodeOnFreshDatabase named(String purpose) {
    return new NodeOnFreshDatabase(purpose, Clock.systemUTC());
  }

  /** The node's time comes from {@code clock}, e.g. a {@link TestClock} so timers come due. */
  public NodeOnFreshDatabase withClock(Clock clock) {
    return new NodeOnFreshDatabase(purpose, clock);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database = TestDatabase.createFresh(purpose);
    node = TestNode.start(Map.of("itinera.db.url", database.url()), clock);
  }

  @Override
  public void afterAll(ExtensionContext context) {
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

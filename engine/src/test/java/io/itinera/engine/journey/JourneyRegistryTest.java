package io.itinera.engine.journey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.itinera.engine.journey.DeployResult.Conflict;
import io.itinera.engine.journey.DeployResult.Deployed;
import io.itinera.engine.journey.DeployResult.Invalid;
import io.itinera.engine.journey.DeployResult.Unchanged;
import io.itinera.engine.journey.JourneyRegistry.FileResult;
import io.itinera.engine.journey.JourneyRegistry.JourneyDetails;
import io.itinera.engine.journey.JourneyRegistry.JourneySummary;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.engine.storage.Storage;
import io.itinera.engine.storage.StorageSettings;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestJourneys;
import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.load.LoadedJourney;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journey registry on a fresh PostgreSQL database: versioning rules, errors located in the
 * file, retirement, start-up loading from a directory, and a deployment reaching another node's
 * journeys through its poll.
 */
class JourneyRegistryTest {

  private TestDatabase database;
  private Storage storage;
  private DeployedJourneys deployed;
  private JourneyRegistry registry;

  @BeforeEach
  void freshDatabase() {
    database = TestDatabase.createFresh("registry");
    storage =
        Storage.open(new StorageSettings(Dialect.POSTGRES, database.url(), "postgres", "", 2));
    storage.migrate();
    deployed = new DeployedJourneys();
    registry = newRegistry(deployed);
  }

  @AfterEach
  void dropDatabase() {
    storage.close();
    database.close();
  }

  private JourneyRegistry newRegistry(DeployedJourneys journeys) {
    return new JourneyRegistry(
        storage.dataSource(), journeys, Clock.systemUTC(), new BlockingSql(Runnable::run));
  }

  private static String cart(int version, String template) {
    return TestJourneys.cartReminder("cart", version, "15m", template);
  }

  private static List<String> loaded(DeployedJourneys journeys) {
    return journeys.current().stream()
        .map(LoadedJourney::journey)
        .map(j -> j.name() + " v" + j.version())
        .sorted()
        .toList();
  }

  @Test
  void aDeployedJourneyIsStoredAndRunsOnThisNodeAtOnce() {
    DeployResult result =
        registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());

    Deployed deployedResult = assertInstanceOf(Deployed.class, result);
    assertEquals("cart", deployedResult.name());
    assertEquals(1, deployedResult.version());
    assertNotNull(deployedResult.deployedAt());
    assertFalse(deployedResult.dryRun());
    assertEquals(List.of("cart v1"), loaded(deployed));
    assertEquals(1, database.queryLong("SELECT count(*) FROM journey_versions"));

    List<JourneySummary> list = registry.list();
    assertEquals(1, list.size());
    assertEquals("cart", list.get(0).name());
    assertEquals(List.of(1), list.get(0).versions());
    assertEquals(2, list.get(0).stages());
    assertEquals(deployedResult.deployedAt(), list.get(0).deployedAt());
  }

  @Test
  void theSameVersionWithTheSameSourceIsUnchanged() {
    registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());

    Unchanged again =
        assertInstanceOf(
            Unchanged.class,
            registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy()));
    assertEquals(1, again.version());
    assertFalse(again.retired());
    // Line ends and a byte-order mark are not a different source.
    String windows = "\uFEFF" + cart(1, "cart-reminder").replace("\n", "\r\n");
    assertInstanceOf(
        Unchanged.class, registry.deploy("cart.journey.yaml", windows, DeployOptions.deploy()));
    assertEquals(1, database.queryLong("SELECT count(*) FROM journey_versions"));
  }

  @Test
  void aChangedSourceNeedsAHigherVersion() {
    registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());

    Conflict sameVersion =
        assertInstanceOf(
            Conflict.class,
            registry.deploy(
                "cart.journey.yaml", cart(1, "another-reminder"), DeployOptions.deploy()));
    assertEquals(1, sameVersion.latestVersion());
    assertTrue(sameVersion.detail().contains("set \"version: 2\""), sameVersion.detail());

    assertInstanceOf(
        Deployed.class,
        registry.deploy("cart.journey.yaml", cart(3, "another-reminder"), DeployOptions.deploy()));
    Conflict lower =
        assertInstanceOf(
            Conflict.class,
            registry.deploy("cart.journey.yaml", cart(2, "cart-reminder"), DeployOptions.deploy()));
    assertEquals(3, lower.latestVersion());
    assertTrue(lower.detail().contains("is at version 3"), lower.detail());
    assertTrue(lower.detail().contains("set \"version: 4\""), lower.detail());
    // An older version identical to what was deployed is no way back either: a new version is.
    assertInstanceOf(
        Conflict.class,
        registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy()));
    assertEquals(2, database.queryLong("SELECT count(*) FROM journey_versions"));
  }

  @Test
  void aNewVersionKeepsTheOlderOnesLoadedForCustomersStillOnThem() {
    registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());
    registry.deploy("cart.journey.yaml", cart(2, "cart-reminder-v2"), DeployOptions.deploy());

    assertEquals(List.of("cart v1", "cart v2"), loaded(deployed));
    JourneyDetails details = registry.get("cart").orElseThrow();
    assertEquals(2, details.version());
    assertTrue(details.source().contains("cart-reminder-v2"));
    assertEquals(
        List.of(2, 1),
        details.versions().stream().map(JourneyRegistry.VersionInfo::version).toList());
    assertEquals(List.of(2, 1), registry.list().get(0).versions());
  }

  @Test
  void errorsComeWithTheirLineAndColumnAndNothingIsDeployed() {
    String broken = cart(1, "cart-reminder").replace("goto: bought", "goto: bougth");

    Invalid invalid =
        assertInstanceOf(
            Invalid.class, registry.deploy("cart.journey.yaml", broken, DeployOptions.deploy()));
    // Every error at once, in file order: the misspelt goto, and the stage it left unreachable.
    assertEquals(2, invalid.errors().size(), invalid.formatted().toString());
    Diagnostic error = invalid.errors().get(0);
    assertEquals(9, error.position().line(), invalid.formatted().toString());
    assertEquals(15, error.position().column(), invalid.formatted().toString());
    assertTrue(
        invalid.formatted().get(0).startsWith("cart.journey.yaml:9:15: "),
        invalid.formatted().toString());
    assertTrue(error.message().contains("did you mean 'bought'"), error.message());
    assertTrue(
        invalid.formatted().get(1).startsWith("cart.journey.yaml:13:3: "),
        invalid.formatted().toString());
    assertEquals(0, database.queryLong("SELECT count(*) FROM journey_versions"));
    assertEquals(List.of(), deployed.current());
  }

  @Test
  void theNameMustBeTheOneAsked() {
    Invalid invalid =
        assertInstanceOf(
            Invalid.class,
            registry.deploy("basket", "basket.journey.yaml", cart(1, "x"), DeployOptions.deploy()));
    assertEquals(1, invalid.errors().get(0).position().line());
    assertEquals(10, invalid.errors().get(0).position().column());
    assertTrue(
        invalid.errors().get(0).message().contains("/v1/journeys/cart"),
        invalid.formatted().toString());
  }

  @Test
  void aDryRunChecksWithoutDeploying() {
    Deployed dry =
        assertInstanceOf(
            Deployed.class,
            registry.deploy("cart.journey.yaml", cart(1, "x"), DeployOptions.dryRun()));
    assertTrue(dry.dryRun());
    assertNull(dry.deployedAt());
    assertEquals(0, database.queryLong("SELECT count(*) FROM journey_versions"));
    assertEquals(List.of(), deployed.current());

    registry.deploy("cart.journey.yaml", cart(1, "x"), DeployOptions.deploy());
    assertInstanceOf(
        Conflict.class, registry.deploy("cart.journey.yaml", cart(1, "y"), DeployOptions.dryRun()));
    assertInstanceOf(
        Unchanged.class,
        registry.deploy("cart.journey.yaml", cart(1, "x"), DeployOptions.dryRun()));
  }

  @Test
  void aRetiredJourneyIsUnloadedAndItsVersionsStayReserved() {
    registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());
    registry.deploy("cart.journey.yaml", cart(2, "cart-reminder-v2"), DeployOptions.deploy());

    assertTrue(registry.retire("cart"));
    assertEquals(List.of(), deployed.current());
    assertTrue(registry.get("cart").isEmpty());
    assertEquals(List.of(), registry.list());
    assertFalse(registry.retire("cart"), "nothing left to retire");
    assertFalse(registry.retire("never-deployed"));

    assertInstanceOf(
        Conflict.class,
        registry.deploy("cart.journey.yaml", cart(2, "changed"), DeployOptions.deploy()));
    Deployed back =
        assertInstanceOf(
            Deployed.class,
            registry.deploy(
                "cart.journey.yaml", cart(2, "cart-reminder-v2"), DeployOptions.deploy()));
    assertEquals(2, back.version());
    assertEquals(
        List.of("cart v2"), loaded(deployed), "only the version deployed again comes back");
  }

  @Test
  void startUpLoadingDeploysTheSamplesOnceAndLeavesRetiredJourneysRetired() {
    Path samples = Path.of("..", "journeys");

    List<FileResult> first = registry.deployDirectory(samples);
    assertEquals(4, first.size());
    first.forEach(r -> assertInstanceOf(Deployed.class, r.result(), r.file() + ": " + r.result()));
    assertEquals(
        List.of("b2b-trial-onboarding v1", "cart-offer-test v1", "running-shoes v1", "win-back v1"),
        loaded(deployed));

    registry.retire("win-back");
    List<FileResult> second = registry.deployDirectory(samples);
    second.forEach(
        r -> assertInstanceOf(Unchanged.class, r.result(), r.file() + ": " + r.result()));
    assertTrue(
        second.stream()
            .anyMatch(
                r ->
                    r.result() instanceof Unchanged u
                        && u.name().equals("win-back")
                        && u.retired()));
    assertEquals(
        List.of("b2b-trial-onboarding v1", "cart-offer-test v1", "running-shoes v1"),
        loaded(deployed));
  }

  @Test
  void aBadFileInTheDirectoryDoesNotStopTheOthers(@TempDir Path directory) throws IOException {
    registry.deploy("cart.journey.yaml", cart(2, "cart-reminder"), DeployOptions.deploy());
    Files.writeString(directory.resolve("a-broken.journey.yaml"), "journey: broken\nstages: [\n");
    Files.writeString(directory.resolve("b-cart.journey.yaml"), cart(1, "older"));
    Files.writeString(
        directory.resolve("c-good.journey.yaml"),
        cart(1, "x").replace("journey: cart", "journey: good"));
    Files.writeString(directory.resolve("notes.yaml"), "not a journey");

    List<FileResult> results = registry.deployDirectory(directory);

    assertEquals(3, results.size());
    Invalid broken = assertInstanceOf(Invalid.class, results.get(0).result());
    assertTrue(broken.errors().get(0).position().isKnown(), broken.formatted().toString());
    assertInstanceOf(Conflict.class, results.get(1).result());
    assertInstanceOf(Deployed.class, results.get(2).result());
    assertEquals(List.of("cart v2", "good v1"), loaded(deployed));
  }

  @Test
  void anotherNodeSeesADeploymentAtItsNextPoll() {
    DeployedJourneys otherNode = new DeployedJourneys();
    JourneyRegistry other = newRegistry(otherNode);
    other.reload();
    assertFalse(other.poll(), "nothing changed yet");

    registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());
    assertEquals(List.of(), otherNode.current(), "not before it polls");
    assertTrue(other.poll());
    assertEquals(List.of("cart v1"), loaded(otherNode));
    assertFalse(other.poll(), "a second poll finds nothing new");

    registry.deploy("cart.journey.yaml", cart(2, "cart-reminder-v2"), DeployOptions.deploy());
    assertTrue(other.poll());
    assertEquals(List.of("cart v1", "cart v2"), loaded(otherNode));

    registry.retire("cart");
    assertTrue(other.poll());
    assertEquals(List.of(), otherNode.current());

    registry.deploy("cart.journey.yaml", cart(2, "cart-reminder-v2"), DeployOptions.deploy());
    assertTrue(other.poll(), "a journey deployed again is seen too");
    assertEquals(List.of("cart v2"), loaded(otherNode));
  }

  @Test
  void aStartedRegistryPicksUpAnotherNodesDeploymentWithinAboutASecond()
      throws InterruptedException {
    Config config =
        ConfigFactory.parseMap(
                Map.of(
                    "pekko.actor.provider", "local",
                    "itinera.journeys.directory", "",
                    "itinera.journeys.poll-interval", "200ms"))
            .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "registry-test", config);
    try {
      DeployedJourneys otherNode = new DeployedJourneys();
      JourneyRegistry.start(system, storage.dataSource(), otherNode, config);

      registry.deploy("cart.journey.yaml", cart(1, "cart-reminder"), DeployOptions.deploy());
      long deployedAt = System.nanoTime();
      while (otherNode.current().isEmpty() && System.nanoTime() - deployedAt < 5_000_000_000L) {
        Thread.sleep(20);
      }
      long millis = (System.nanoTime() - deployedAt) / 1_000_000;
      assertEquals(List.of("cart v1"), loaded(otherNode));
      assertTrue(millis < 1500, "seen after " + millis + " ms");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
    }
  }
}

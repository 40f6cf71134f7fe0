package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {

  @Test
  void schemaIsCreatedOnceAndLaterStartsApplyNothing() {
    try (TestDatabase database = TestDatabase.createFresh("schema");
        Storage storage =
            Storage.open(
                new StorageSettings(Dialect.POSTGRES, database.url(), "postgres", "", 2))) {
      assertEquals(migrations("db/postgres").size(), storage.migrate());
      assertEquals(0, storage.migrate());
      assertEquals(0, database.queryLong("SELECT count(*) FROM event_journal"));
      assertTrue(storage.answers(2));
    }
  }

  @Test
  void embeddedDatabaseIsAFileThatAcknowledgesWritesAtOnce(@TempDir Path dataDir) {
    StorageSettings settings =
        StorageSettings.from(
            ConfigFactory.parseMap(
                    Map.of("itinera.db.url", "", "itinera.db.data-dir", dataDir.toString()))
                .withFallback(ConfigFactory.load()));
    assertEquals(Dialect.H2, settings.dialect());
    assertTrue(settings.url().contains("WRITE_DELAY=0"), settings.url());
    try (Storage storage = Storage.open(settings)) {
      assertEquals(migrations("db/h2").size(), storage.migrate());
    }
    assertTrue(dataDir.resolve("itinera.mv.db").toFile().isFile());
  }

  @Test
  void unreachableDatabaseDoesNotAnswerAndStopsTheStartWithItsReason() {
    String nowhere = "jdbc:postgresql://127.0.0.1:1/nothing";
    try (Storage storage =
        Storage.open(new StorageSettings(Dialect.POSTGRES, nowhere, "postgres", "", 2))) {
      assertFalse(storage.answers(1));
    }
    IllegalStateException failure =
        assertThrows(
            IllegalStateException.class, () -> TestNode.start(Map.of("itinera.db.url", nowhere)));
    assertTrue(failure.getMessage().startsWith("Itinera could not start: "), failure.getMessage());
    assertTrue(failure.getMessage().contains("refused"), failure.getMessage());
  }

  @Test
  void bothDialectsHaveTheSameMigrations() {
    assertEquals(migrations("db/postgres"), migrations("db/h2"));
  }

  /** The migration files of one dialect, by name. */
  private static java.util.SortedSet<String> migrations(String location) {
    try (var files =
        java.nio.file.Files.list(
            Path.of(StorageTest.class.getClassLoader().getResource(location).toURI()))) {
      return files
          .map(f -> f.getFileName().toString())
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    } catch (java.io.IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

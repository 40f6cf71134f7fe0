package io.itinera.engine.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.itinera.engine.storage.StorageSettings.Dialect;
import io.itinera.engine.support.TestDatabase;
import io.itinera.engine.support.TestNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {

  @Test
  void schemaIsCreatedOnceAndLaterStartsApplyNothing() {
    try (TestDatabase database = TestDatabase.createFresh("schema");
        Storage storage =
            Storage.open(
                new StorageSettings(Dialect.POSTGRES, database.url(), "postgres", "", 2))) {
      assertEquals(migrations(Dialect.POSTGRES).size(), storage.migrate());
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
      assertEquals(migrations(Dialect.H2).size(), storage.migrate());
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
  void bothDialectsHaveTheSameVersionsAndNoneIsInTwoPlaces() {
    assertEquals(migrations(Dialect.POSTGRES), migrations(Dialect.H2));
    for (Dialect dialect : Dialect.values()) {
      Set<String> common = versions(files(Storage.COMMON_MIGRATIONS));
      common.retainAll(versions(files(dialect.migrations)));
      assertEquals(Set.of(), common, dialect + " repeats a common version");
    }
  }

  /**
   * Before the common migrations had a folder of their own, each dialect's folder held a copy of
   * them; Flyway checks a script by name and content, so such a database still validates.
   */
  @Test
  void databasesMigratedWithACopyOfTheCommonScriptsPerDialectStillValidate(@TempDir Path dir)
      throws IOException {
    try (TestDatabase database = TestDatabase.createFresh("old_layout");
        Storage postgres =
            Storage.open(
                new StorageSettings(Dialect.POSTGRES, database.url(), "postgres", "", 2))) {
      migrateWithTheOldLayout(postgres, dir.resolve("postgres"));
      assertEquals(0, postgres.migrate());
    }
    try (Storage h2 =
        Storage.open(
            new StorageSettings(
                Dialect.H2, StorageSettings.embeddedUrl(dir.resolve("h2-data")), "sa", "", 2))) {
      migrateWithTheOldLayout(h2, dir.resolve("h2"));
      assertEquals(0, h2.migrate());
    }
  }

  private static void migrateWithTheOldLayout(Storage storage, Path folder) throws IOException {
    Files.createDirectories(folder);
    for (String location :
        List.of(Storage.COMMON_MIGRATIONS, storage.settings().dialect().migrations)) {
      for (String name : files(location)) {
        Files.copy(resource(location).resolve(name), folder.resolve(name));
      }
    }
    int applied =
        Flyway.configure()
            .dataSource(storage.dataSource())
            .locations("filesystem:" + folder.toAbsolutePath())
            .load()
            .migrate()
            .migrationsExecuted;
    assertEquals(migrations(storage.settings().dialect()).size(), applied);
  }

  /** The migration files a database of this dialect runs: the common ones and its own. */
  private static SortedSet<String> migrations(Dialect dialect) {
    SortedSet<String> all = files(Storage.COMMON_MIGRATIONS);
    all.addAll(files(dialect.migrations));
    return all;
  }

  private static Set<String> versions(Set<String> files) {
    return files.stream()
        .map(name -> name.substring(0, name.indexOf("__")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static SortedSet<String> files(String location) {
    try (var files = Files.list(resource(location))) {
      return files
          .map(f -> f.getFileName().toString())
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path resource(String location) {
    try {
      return Path.of(StorageTest.class.getClassLoader().getResource(location).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

package io.itinera.engine.journey;

import io.itinera.engine.journey.DeployResult.Conflict;
import io.itinera.engine.journey.DeployResult.Deployed;
import io.itinera.engine.journey.DeployResult.Invalid;
import io.itinera.engine.journey.DeployResult.Unchanged;
import io.itinera.engine.journey.JourneyRegistry.FileResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journeys directory ({@code itinera.journeys.directory}) deployed at start-up. A file with
 * errors, or a version that conflicts with what is deployed, is logged as a warning with its file,
 * line and column, and the other files are deployed all the same: one bad file must not keep a node
 * from starting.
 */
final class JourneyDirectory {

  private static final Logger log = LoggerFactory.getLogger(JourneyDirectory.class);

  private JourneyDirectory() {}

  /** Deploys every {@code *.journey.yaml} of {@code directory}, then loads them on this node. */
  static List<FileResult> deploy(JourneyRegistry registry, Path directory) {
    Optional<List<Path>> files = journeyFiles(directory);
    if (files.isEmpty()) {
      return List.of();
    }
    List<FileResult> results = new ArrayList<>(files.get().size());
    for (Path file : files.get()) {
      String text;
      try {
        text = JourneySource.readUtf8(file);
      } catch (IOException e) {
        log.warn("{}: not deployed: {}", file, e.getMessage());
        continue;
      }
      DeployResult result;
      try {
        result = registry.deploy(null, file.toString(), text, DeployOptions.startUp());
      } catch (RuntimeException e) {
        log.warn("{}: not deployed: {}", file, e.getMessage());
        continue;
      }
      report(file, result);
      results.add(new FileResult(file, result));
    }
    registry.reload();
    return results;
  }

  /** The directory's journey files in name order; empty, with a warning, if it cannot be read. */
  private static Optional<List<Path>> journeyFiles(Path directory) {
    if (!Files.isDirectory(directory)) {
      log.warn(
          "Journeys directory {} does not exist or is not a directory; no journeys loaded from it",
          directory);
      return Optional.empty();
    }
    try (Stream<Path> listing = Files.list(directory)) {
      return Optional.of(
          listing
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".journey.yaml")
                          && Files.isRegularFile(p))
              .sorted()
              .toList());
    } catch (IOException e) {
      log.warn("Journeys directory {} could not be read: {}", directory, e.getMessage());
      return Optional.empty();
    }
  }

  private static void report(Path file, DeployResult result) {
    if (result instanceof Deployed deployed) {
      deployed.warnings().forEach(w -> log.warn("{}", w.format(file.toString())));
    } else if (result instanceof Unchanged unchanged && unchanged.retired()) {
      log.info(
          "{}: journey {} version {} was retired and stays so; deploy it through the API to bring it back",
          file,
          unchanged.name(),
          unchanged.version());
    } else if (result instanceof Unchanged unchanged) {
      log.debug(
          "{}: journey {} version {} is already deployed",
          file,
          unchanged.name(),
          unchanged.version());
    } else if (result instanceof Invalid invalid) {
      log.warn(
          "{}: not deployed, {} error(s):\n  {}",
          file,
          invalid.errors().size(),
          String.join("\n  ", invalid.formatted()));
    } else if (result instanceof Conflict conflict) {
      log.warn("{}: not deployed: {}", file, conflict.detail());
    }
  }
}

package io.itinera.engine.clients;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Node project in src/test/node: third-party clients (Segment's and RudderStack's SDKs, the
 * CloudEvents and Standard Webhooks libraries) at the versions its lock file pins. {@code npm ci}
 * runs at most once per build (one test JVM), from npm's cache when it holds those versions, and
 * not at all while node_modules is as the lock file says. Each script runs as its own process,
 * killed when it overruns its time.
 */
final class NodeClients {

  private static final Path PROJECT = Path.of("src", "test", "node").toAbsolutePath();
  private static final Path STAMP = PROJECT.resolve("node_modules").resolve(".itinera-lock-digest");
  private static final Duration INSTALL_TIME = Duration.ofMinutes(5);
  private static boolean installed;
  private static String installFailure;

  private NodeClients() {}

  /** How a process ended and what it printed, standard error included. */
  record Outcome(int exitCode, String output) {
    boolean succeeded() {
      return exitCode == 0;
    }
  }

  /** Runs {@code node script args...} in the project, after installing it if not done yet. */
  static Outcome script(String script, Duration timeout, String... args) {
    install();
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    return run(command, timeout);
  }

  private static synchronized void install() {
    if (installed || upToDate()) {
      installed = true;
      return;
    }
    // A failed install fails the next class at once rather than after another wait for npm.
    if (installFailure != null) {
      throw new IllegalStateException(installFailure);
    }
    Outcome npm =
        run(
            List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"),
            INSTALL_TIME);
    if (!npm.succeeded()) {
      installFailure = "npm ci in " + PROJECT + " failed:\n" + npm.output();
      throw new IllegalStateException(installFailure);
    }
    write(STAMP, lockDigest());
    installed = true;
  }

  /**
   * Whether node_modules was installed from the lock file as it is now: a stamp written after
   * {@code npm ci} succeeded holds the lock's digest ({@code npm ci} deletes it with the rest of
   * node_modules first), so a later build need not install again.
   */
  private static boolean upToDate() {
    return Files.isRegularFile(STAMP) && read(STAMP).equals(lockDigest());
  }

  private static String lockDigest() {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(Files.readAllBytes(PROJECT.resolve("package-lock.json"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Outcome run(List<String> command, Duration timeout) {
    Path output = null;
    try {
      // A file, not a pipe: a chatty process can never block on a full pipe nobody reads.
      output = Files.createTempFile("node-client-", ".log");
      Process process =
          new ProcessBuilder(command)
              .directory(PROJECT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        return new Outcome(
            -1,
            String.join(" ", command) + " overran " + timeout + ":\n" + Files.readString(output));
      }
      return new Outcome(process.exitValue(), Files.readString(output));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not run " + command + " (is Node installed?)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }
}

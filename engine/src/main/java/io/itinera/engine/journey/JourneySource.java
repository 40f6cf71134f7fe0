package io.itinera.engine.journey;

import io.itinera.journeys.diagnostic.Diagnostic;
import io.itinera.journeys.diagnostic.Position;
import io.itinera.protocol.Utf8;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A journey file's text as the registry stores and compares it: without a byte-order mark, with
 * {@code \n} line ends, so the same journey saved on Windows or sent by a CI job is the same
 * source, and its hash decides whether a version was deployed before with another source.
 *
 * @param text the normalized text
 * @param sha256 the text's SHA-256, in hex
 */
record JourneySource(String text, String sha256) {

  /** Journey names are path segments of the API and keys of the table. */
  static final int MAX_NAME_LENGTH = 200;

  /** The source of a file's text as received. */
  static JourneySource of(String received) {
    String text = normalized(received);
    return new JourneySource(text, sha256(text));
  }

  private static String normalized(String source) {
    String text = source.startsWith("\uFEFF") ? source.substring(1) : source;
    return text.replace("\r\n", "\n");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A file's text; refused unless it is UTF-8, so a stored source never holds mangled text. */
  static String readUtf8(Path file) throws IOException {
    try {
      return Utf8.strict(Files.readAllBytes(file));
    } catch (CharacterCodingException e) {
      throw new IOException("the file is not UTF-8 text; save it as UTF-8", e);
    }
  }

  /**
   * What is wrong with the journey's name, located at its {@code journey:} key: too long, not a
   * path segment, or not the {@code expectedName} the API's path gave (null: any name).
   */
  Optional<Diagnostic> nameProblem(String name, String expectedName) {
    Position at = keyPosition("journey");
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the journey name is longer than " + MAX_NAME_LENGTH + " characters; shorten it"));
    }
    if (name.contains("/") || name.chars().anyMatch(Character::isISOControl)) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the journey name may not contain '/' or control characters: it is part of the API's paths"));
    }
    if (expectedName != null && !expectedName.equals(name)) {
      return Optional.of(
          Diagnostic.error(
              at,
              "the file is journey '"
                  + name
                  + "' but was sent to /v1/journeys/"
                  + expectedName
                  + "; send it to /v1/journeys/"
                  + name
                  + " or rename it"));
    }
    return Optional.empty();
  }

  /** Where the value of a top-level key is written, for problems the loader does not locate. */
  Position keyPosition(String key) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith(key) && line.substring(key.length()).stripLeading().startsWith(":")) {
        int colon = line.indexOf(':');
        int value = colon + 1;
        while (value < line.length() && line.charAt(value) == ' ') {
          value++;
        }
        return new Position(i + 1, value < line.length() ? value + 1 : 1);
      }
    }
    return Position.UNKNOWN;
  }
}

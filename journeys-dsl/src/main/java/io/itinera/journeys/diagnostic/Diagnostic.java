package io.itinera.journeys.diagnostic;

/**
 * One thing wrong (or suspicious) in a journey, located so a designer can jump to it. Problems are
 * values: loading never throws for a designer's mistake, it returns all of them at once.
 */
public record Diagnostic(Severity severity, Position position, String message) {

  public static Diagnostic error(Position position, String message) {
    return new Diagnostic(Severity.ERROR, position, message);
  }

  public static Diagnostic warning(Position position, String message) {
    return new Diagnostic(Severity.WARNING, position, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  /**
   * The compiler-style line editors and CI annotate from: {@code file:line:col: [warning:
   * ]message}.
   */
  public String format(String file) {
    String where =
        position.isKnown() ? file + ":" + position.line() + ":" + position.column() : file;
    return where + ": " + (isError() ? "" : "warning: ") + message;
  }

  public enum Severity {
    ERROR,
    WARNING
  }
}

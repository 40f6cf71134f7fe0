package io.itinera.protocol;

/**
 * Client-supplied text as it may go into a log line: a customer id with a newline in it would
 * otherwise write a forged line (log injection), and a lone surrogate would be written as {@code
 * ?}.
 */
public final class LogSafe {

  private LogSafe() {}

  /**
   * {@code text} in double quotes, with {@code "} and {@code \} escaped and every control
   * character, line or paragraph separator and lone surrogate written as an escape ({@code \n},
   * {@code \u0000}), so that the value stays on its line and can be told from the text around it.
   */
  public static String quote(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || isLone(text, i)) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }

  private static boolean isLone(String text, int i) {
    char c = text.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    return Character.isLowSurrogate(c)
        && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
  }
}

package io.itinera.journeys.simulate;

import java.util.ArrayList;
import java.util.List;

/**
 * A word of a script line: text between blanks, where double quotes keep blanks in ({@code "Product
 * Viewed"}, {@code title="Pegasus 41"}) and {@code \"} or {@code \\} escape inside them.
 *
 * @param column 1-based, of its first character
 * @param length how many characters of the line it spans
 * @param quotedFrom index in {@code text} where quoted text starts; {@code Integer.MAX_VALUE} if
 *     none
 */
record Token(String text, int column, int length, int quotedFrom) {

  boolean quoted() {
    return quotedFrom == 0;
  }

  static List<Token> split(String line) throws Unclosed {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      if (Character.isWhitespace(line.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      StringBuilder text = new StringBuilder();
      int quotedFrom = Integer.MAX_VALUE;
      while (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
        if (line.charAt(i) != '"') {
          text.append(line.charAt(i++));
          continue;
        }
        int open = i++;
        quotedFrom = Math.min(quotedFrom, text.length());
        while (i < line.length() && line.charAt(i) != '"') {
          if (line.charAt(i) == '\\' && i + 1 < line.length()) {
            i++;
          }
          text.append(line.charAt(i++));
        }
        if (i == line.length()) {
          throw new Unclosed(open + 1);
        }
        i++;
      }
      tokens.add(new Token(text.toString(), start + 1, i - start, quotedFrom));
    }
    return tokens;
  }

  /** A quote that the line does not close, at its 1-based column. */
  static final class Unclosed extends Exception {
    final int column;

    Unclosed(int column) {
      super(null, null, false, false);
      this.column = column;
    }
  }
}

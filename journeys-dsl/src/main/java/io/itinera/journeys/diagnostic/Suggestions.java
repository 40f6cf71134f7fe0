package io.itinera.journeys.diagnostic;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelt keys, stage names, channels and time zones. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate closest to {@code word} by edit distance (ignoring case), if it is close enough
   * to be a plausible typo: at most a third of the word's length, and at least one edit.
   */
  public static Optional<String> closest(String word, Collection<String> candidates) {
    String lower = word.toLowerCase(Locale.ROOT);
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
  }

  /**
   * Levenshtein distance where swapping two neighbouring letters counts as one edit (optimal string
   * alignment), since "emial" for "email" is the commonest typo of all.
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

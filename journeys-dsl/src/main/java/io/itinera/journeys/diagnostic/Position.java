package io.itinera.journeys.diagnostic;

/**
 * A place in a journey file, 1-based like editors count. Journeys built in Java have no file, so
 * their problems carry {@link #UNKNOWN}.
 */
public record Position(int line, int column) implements Comparable<Position> {

  public static final Position UNKNOWN = new Position(0, 0);

  public boolean isKnown() {
    return line > 0;
  }

  @Override
  public int compareTo(Position other) {
    return line != other.line
        ? Integer.compare(line, other.line)
        : Integer.compare(column, other.column);
  }
}

package io.itinera.engine.analytics;

import java.util.Comparator;
import java.util.List;

/**
 * One count in one row of an aggregate table: the row's key (in {@link Table#keyColumns} order),
 * its segment and the column. Ordered, so that every slice of the projection updates rows in the
 * same order and two slices counting the same day never wait on each other in a cycle.
 */
record Counter(Table table, List<Object> key, String segment, String column)
    implements Comparable<Counter> {

  private static final Comparator<Counter> ORDER =
      Comparator.comparing(Counter::table)
          .thenComparing(c -> c.key().toString())
          .thenComparing(Counter::segment)
          .thenComparing(Counter::column);

  Counter {
    key = List.copyOf(key);
  }

  @Override
  public int compareTo(Counter other) {
    return ORDER.compare(this, other);
  }
}

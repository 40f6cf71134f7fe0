package io.itinera.engine.entry;

import io.itinera.engine.entry.EntryRuns.Run;
import io.itinera.engine.storage.BlockingSql;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/** The runs of a journey's segment entry as {@code GET /v1/journeys/{name}/runs} shows them. */
public final class EntryRunLog {

  /** The most runs one answer lists, newest first. */
  public static final int MAX_RUNS = 100;

  private final DataSource dataSource;
  private final BlockingSql blocking;
  private final EntryRuns runs = new EntryRuns();

  public EntryRunLog(DataSource dataSource, BlockingSql blocking) {
    this.dataSource = dataSource;
    this.blocking = blocking;
  }

  public CompletionStage<List<Run>> recent(String journey) {
    return blocking.supply(
        () -> {
          try (Connection connection = dataSource.getConnection()) {
            return runs.recent(connection, journey, MAX_RUNS);
          }
        });
  }
}

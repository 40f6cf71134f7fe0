package io.itinera.engine.analytics;

import io.itinera.engine.customer.Tags;
import io.itinera.engine.storage.BlockingSql;
import io.itinera.journeys.model.Journey;
import io.itinera.journeys.model.Stage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;

/**
 * Journey analytics for the gateway: the report of a journey over a range of days, and the rebuild
 * of the tables from the journal. Blocking SQL runs on its own pool.
 */
public final class Analytics {

  /** What a report request comes to. */
  public sealed interface Answer {}

  public record Report(AnalyticsReport report) implements Answer {}

  /** Neither deployed nor ever counted. */
  public record UnknownJourney(String journey) implements Answer {}

  /** Neither declared by the journey nor ever counted under it. */
  public record UnknownSegment(String segment) implements Answer {}

  /** A rebuild's outcome: how many slices start again from the journal's first event. */
  public record Rebuilt(int slices) {}

  private final ActorSystem<?> system;
  private final DataSource dataSource;
  private final BlockingSql blocking;
  private final AnalyticsQuery query;
  private final int slices;

  public Analytics(ActorSystem<?> system, DataSource dataSource, int slices) {
    this.system = system;
    this.dataSource = dataSource;
    this.blocking = BlockingSql.of(system);
    this.query = new AnalyticsQuery(dataSource);
    this.slices = slices;
  }

  /**
   * The report of {@code journey} for customers who entered it from {@code from} to {@code to}.
   *
   * @param deployed the journey's latest deployed version, or null when it is not deployed: its
   *     stages order the funnel
   * @param segment a named segment, or "" for every customer
   */
  public CompletionStage<Answer> report(
      String journey,
      Journey deployed,
      LocalDate from,
      LocalDate to,
      Integer version,
      String segment) {
    return blocking.supply(
        () -> {
          if (deployed == null && !query.known(journey, null)) {
            return new UnknownJourney(journey);
          }
          // A segment is known when the deployed journey declares it (before anyone matched it)
          // or when it was counted (a segment of an earlier version).
          boolean declared =
              deployed != null
                  && deployed.segments().stream().anyMatch(s -> s.name().equals(segment));
          if (!segment.isEmpty() && !declared && !query.known(journey, segment)) {
            return new UnknownSegment(segment);
          }
          AnalyticsQuery.Range range =
              new AnalyticsQuery.Range(journey, from, to, version, segment);
          List<String> stages = new ArrayList<>();
          if (deployed != null) {
            deployed.stages().stream().map(Stage::name).forEach(stages::add);
          }
          return new Report(
              AnalyticsReport.of(
                  range,
                  stages,
                  query.stages(range),
                  query.transitions(range),
                  query.times(range),
                  query.actions(range),
                  query.arms(range),
                  query.splits(range)));
        });
  }

  /**
   * Counts everything again from the journal: pauses every slice of the projection, empties the
   * analytics tables and deletes the projection's offsets in one transaction, and resumes the
   * slices, which start again from the journal's first event of their tag.
   */
  public CompletionStage<Rebuilt> rebuild() {
    ProjectionManagement management = ProjectionManagement.get(system);
    List<ProjectionId> ids = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      ids.add(ProjectionId.of(AnalyticsProjection.NAME, Tags.analytics(slice)));
    }
    CompletionStage<Void> paused = CompletableFuture.completedFuture(null);
    for (ProjectionId id : ids) {
      paused = paused.thenCompose(done -> management.pause(id).thenApply(d -> null));
    }
    CompletionStage<Void> emptied =
        paused.thenCompose(
            done ->
                blocking.supply(
                    () -> {
                      truncate();
                      return null;
                    }));
    CompletionStage<Void> resumed = emptied;
    for (ProjectionId id : ids) {
      resumed = resumed.thenCompose(done -> management.resume(id).thenApply(d -> null));
    }
    return resumed.thenApply(done -> new Rebuilt(slices));
  }

  private void truncate() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement offsets =
          connection.prepareStatement(
              "DELETE FROM \"pekko_projection_offset_store\" WHERE \"projection_name\" = ?")) {
        AnalyticsTables.truncate(connection);
        offsets.setString(1, AnalyticsProjection.NAME);
        offsets.executeUpdate();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}

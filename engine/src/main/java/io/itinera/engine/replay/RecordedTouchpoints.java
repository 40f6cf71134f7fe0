package io.itinera.engine.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectReader;
import io.itinera.engine.customer.CustomerEvent.TouchpointRecorded;
import io.itinera.engine.customer.CustomerPersistenceId;
import io.itinera.journeys.simulate.Replay.Recorded;
import io.itinera.protocol.touchpoint.Touchpoint;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Customers' recorded touchpoints read straight from the journal table, many customers per query,
 * for replays. The read journal's per-customer stream costs a query and a stream per customer and
 * decodes every event whole; a replay needs only the touchpoints, so this reads only {@link
 * TouchpointRecorded} rows and decodes only their touchpoint, skipping the decision recorded with
 * it (most of the event's bytes, and its timestamps).
 *
 * <p>Rows are read as Pekko wrote them: when the serializer is not Jackson CBOR without compression
 * (the engine's setting), each row goes through Pekko's serialization instead, whole.
 */
final class RecordedTouchpoints {

  private static final String CBOR = "jackson-cbor";

  private static final String MANIFEST = TouchpointRecorded.class.getName();

  /** Only the touchpoint of a {@link TouchpointRecorded}: Jackson skips the rest unread. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  private record TouchpointOnly(Touchpoint touchpoint) {}

  /** A journal row as read, decoded only if it is among the customer's first. */
  private record Row(long sequenceNr, int serializerId, String manifest, byte[] payload) {}

  private final DataSource dataSource;
  private final Serialization serialization;
  private final int cborSerializerId;

  /** Jackson CBOR as configured writes plain CBOR that no migration rewrites on reading. */
  private final boolean plainCbor;

  private final ObjectReader touchpointOnly;

  RecordedTouchpoints(ActorSystem<?> system, DataSource dataSource) {
    this.dataSource = dataSource;
    this.serialization = SerializationExtension.get(system);
    this.cborSerializerId = serializerId(serialization);
    // Pekko reads a binding's settings over the general ones (JacksonSerializer does the same).
    var config =
        system
            .settings()
            .config()
            .getConfig("pekko.serialization.jackson." + CBOR)
            .withFallback(system.settings().config().getConfig("pekko.serialization.jackson"));
    this.plainCbor =
        "off".equals(config.getString("compression.algorithm"))
            && !config.hasPath("migrations.\"" + MANIFEST + "\"");
    this.touchpointOnly =
        JacksonObjectMapperProvider.get(system)
            .getOrCreate(CBOR, Optional.empty())
            .readerFor(TouchpointOnly.class);
  }

  /**
   * The touchpoints of {@code customerIds}, oldest first, each customer's first {@code perCustomer}
   * at most, in the order of {@code customerIds}; customers without any are left out. Blocking: one
   * query.
   */
  List<Recorded> read(List<String> customerIds, int perCustomer) {
    Map<String, String> customerOf = new HashMap<>();
    customerIds.forEach(id -> customerOf.put(CustomerPersistenceId.of(id).id(), id));
    // Unordered: sorting the rows, payloads and all, cost PostgreSQL more than reading them (it
    // spilled to disk at the default work_mem). Each customer's rows are put in order here, and
    // only the first perCustomer of them decoded.
    Map<String, List<Row>> read = new HashMap<>();
    String sql =
        "SELECT \"persistence_id\", \"sequence_number\", \"event_ser_id\", \"event_ser_manifest\","
            + " \"event_payload\" FROM \"event_journal\" WHERE \"persistence_id\" IN ("
            + customerOf.keySet().stream().map(id -> "?").collect(Collectors.joining(","))
            + ") AND \"deleted\" = FALSE AND (\"event_ser_manifest\" = ? OR"
            + " \"event_ser_manifest\" LIKE ?)";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      int parameter = 1;
      for (String persistenceId : customerOf.keySet()) {
        statement.setString(parameter++, persistenceId);
      }
      // A migrated event's manifest carries its version after a '#'.
      statement.setString(parameter++, MANIFEST);
      statement.setString(parameter, MANIFEST + "#%");
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          read.computeIfAbsent(rows.getString(1), first -> new ArrayList<>())
              .add(new Row(rows.getLong(2), rows.getInt(3), rows.getString(4), rows.getBytes(5)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("The journal could not be read: " + e.getMessage(), e);
    }
    List<Recorded> recorded = new ArrayList<>();
    for (String customerId : customerIds) {
      List<Row> rows = read.get(CustomerPersistenceId.of(customerId).id());
      if (rows != null) {
        rows.sort(Comparator.comparingLong(Row::sequenceNr));
        List<Touchpoint> touchpoints = new ArrayList<>(Math.min(rows.size(), perCustomer));
        for (Row row : rows.subList(0, Math.min(rows.size(), perCustomer))) {
          touchpoints.add(touchpoint(row.serializerId(), row.manifest(), row.payload()));
        }
        recorded.add(new Recorded(customerId, touchpoints));
      }
    }
    return recorded;
  }

  private static int serializerId(Serialization serialization) {
    try {
      return serialization.serializerFor(TouchpointRecorded.class).identifier();
    } catch (NotSerializableException e) {
      throw new IllegalStateException("Customer events have no serializer", e);
    }
  }

  private Touchpoint touchpoint(int serializerId, String manifest, byte[] payload) {
    if (serializerId == cborSerializerId && plainCbor && manifest.equals(MANIFEST)) {
      try {
        return touchpointOnly.<TouchpointOnly>readValue(payload).touchpoint();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ((TouchpointRecorded) serialization.deserialize(payload, serializerId, manifest).get())
        .touchpoint();
  }
}

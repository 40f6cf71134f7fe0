package io.itinera.engine.delivery;

import io.itinera.engine.storage.StorageSettings.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code channel_endpoints} table: each channel's webhook endpoint. */
public final class ChannelEndpoints {

  private static final Logger log = LoggerFactory.getLogger(ChannelEndpoints.class);

  private static final String COLUMNS =
      "channel, url, secret, timeout_ms, max_in_flight, rate_limit, enabled, disabled_reason,"
          + " origin, updated_at";

  /** The endpoint after a PUT, and whether the channel had none before. */
  public record Put(ChannelEndpoint endpoint, boolean created) {}

  private final DataSource dataSource;
  private final Dialect dialect;

  public ChannelEndpoints(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  public List<ChannelEndpoint> all() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM channel_endpoints ORDER BY channel");
        ResultSet rows = query.executeQuery()) {
      List<ChannelEndpoint> endpoints = new ArrayList<>();
      while (rows.next()) {
        endpoints.add(read(rows));
      }
      return endpoints;
    }
  }

  public Optional<ChannelEndpoint> get(String channel) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return get(connection, channel);
    }
  }

  private static Optional<ChannelEndpoint> get(Connection connection, String channel)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM channel_endpoints WHERE channel = ?")) {
      query.setString(1, channel);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(read(rows)) : Optional.empty();
      }
    }
  }

  /** The channels that have an endpoint, read in the caller's transaction. */
  static Set<String> channels(Connection connection) throws SQLException {
    try (PreparedStatement query =
            connection.prepareStatement("SELECT channel FROM channel_endpoints");
        ResultSet rows = query.executeQuery()) {
      Set<String> channels = new HashSet<>();
      while (rows.next()) {
        channels.add(rows.getString(1));
      }
      return channels;
    }
  }

  /**
   * Sets the channel's endpoint and enables it. A null secret keeps the stored one, or makes a new
   * one for a channel that had none.
   */
  public Put put(ChannelEndpoint.Settings settings, String origin, Instant now)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Optional<ChannelEndpoint> before = get(connection, settings.channel());
        String secret =
            settings.secret() != null
                ? settings.secret()
                : before.map(ChannelEndpoint::secret).orElseGet(WebhookSignature::newSecret);
        ChannelEndpoint endpoint =
            new ChannelEndpoint(
                settings.channel(),
                settings.url(),
                secret,
                settings.timeout(),
                settings.maxInFlight(),
                settings.rateLimit(),
                true,
                null,
                origin,
                now);
        write(connection, endpoint);
        connection.commit();
        return new Put(endpoint, before.isEmpty());
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  public boolean delete(String channel) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement("DELETE FROM channel_endpoints WHERE channel = ?")) {
      delete.setString(1, channel);
      return delete.executeUpdate() > 0;
    }
  }

  /** Stops sending to the channel's endpoint (the receiver answered 410 Gone). */
  public void disable(String channel, String reason, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE channel_endpoints SET enabled = FALSE, disabled_reason = ?, updated_at = ?"
                    + " WHERE channel = ?")) {
      update.setString(1, DeliveryRows.truncate(reason, 1000));
      update.setTimestamp(2, Timestamp.from(now));
      update.setString(3, channel);
      update.executeUpdate();
    }
  }

  /**
   * Writes the configured endpoints whose stored settings differ (configuration wins at start-up);
   * one whose settings are already stored is left as it is, so an endpoint disabled by a 410 stays
   * disabled until its configuration changes or it is PUT. An invalid one, or one whose receiver
   * {@code addresses} refuses, is logged and skipped.
   *
   * @return how many were written
   */
  public int applyConfigured(
      List<ChannelEndpoint.Settings> configured, ReceiverAddresses addresses, Instant now)
      throws SQLException {
    int written = 0;
    for (ChannelEndpoint.Settings settings : configured) {
      List<ChannelEndpoint.Problem> problems = new ArrayList<>(settings.problems());
      if (problems.isEmpty()) {
        addresses
            .check(settings.url())
            .ifPresent(
                refusal -> problems.add(new ChannelEndpoint.Problem("url", refusal.detail())));
      }
      if (!problems.isEmpty()) {
        log.warn(
            "Channel {} in itinera.delivery.channels is not set: {}",
            settings.channel(),
            String.join("; ", problems.stream().map(ChannelEndpoint.Problem::detail).toList()));
        continue;
      }
      Optional<ChannelEndpoint> stored = get(settings.channel());
      if (stored.isPresent() && stored.get().sameSettings(settings)) {
        continue;
      }
      put(settings, ChannelEndpoint.FROM_CONFIGURATION, now);
      written++;
    }
    return written;
  }

  private void write(Connection connection, ChannelEndpoint endpoint) throws SQLException {
    String upsert =
        dialect == Dialect.H2
            ? "MERGE INTO channel_endpoints ("
                + COLUMNS
                + ") KEY (channel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "INSERT INTO channel_endpoints ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (channel) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret,"
                + " timeout_ms = EXCLUDED.timeout_ms, max_in_flight = EXCLUDED.max_in_flight,"
                + " rate_limit = EXCLUDED.rate_limit, enabled = EXCLUDED.enabled,"
                + " disabled_reason = EXCLUDED.disabled_reason, origin = EXCLUDED.origin,"
                + " updated_at = EXCLUDED.updated_at";
    try (PreparedStatement statement = connection.prepareStatement(upsert)) {
      statement.setString(1, endpoint.channel());
      statement.setString(2, endpoint.url());
      statement.setString(3, endpoint.secret());
      statement.setInt(4, (int) endpoint.timeout().toMillis());
      statement.setInt(5, endpoint.maxInFlight());
      statement.setInt(6, endpoint.rateLimit());
      statement.setBoolean(7, endpoint.enabled());
      statement.setString(8, endpoint.disabledReason());
      statement.setString(9, endpoint.origin());
      statement.setTimestamp(10, Timestamp.from(endpoint.updatedAt()));
      statement.executeUpdate();
    }
  }

  private static ChannelEndpoint read(ResultSet rows) throws SQLException {
    return new ChannelEndpoint(
        rows.getString(1),
        rows.getString(2),
        rows.getString(3),
        Duration.ofMillis(rows.getInt(4)),
        rows.getInt(5),
        rows.getInt(6),
        rows.getBoolean(7),
        rows.getString(8),
        rows.getString(9),
        rows.getTimestamp(10).toInstant());
  }
}

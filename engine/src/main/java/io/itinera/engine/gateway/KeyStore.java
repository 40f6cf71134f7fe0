package io.itinera.engine.gateway;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code api_keys} table: keys made, rotated and revoked through {@code /v1/keys}. Holds the
 * SHA-256 of each secret, never the secret. Blocking JDBC: call it on the blocking dispatcher.
 */
public final class KeyStore {

  /** A stored key as listed: everything but the secret, which is not kept. */
  public record StoredKey(
      String id,
      String name,
      Scope scope,
      String digest,
      RateLimit rateLimit,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt,
      String replacedBy) {

    /** Whether it opens anything at {@code now}. */
    boolean liveAt(Instant now) {
      return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
  }

  /** A key just made, with its secret: the only time the secret is seen. */
  public record NewKey(StoredKey key, String secret) {}

  /** Random bytes per secret: 256 bits, as the threat model asks. */
  private static final int SECRET_BYTES = 32;

  private static final String COLUMNS =
      "id, name, scope, digest, rate_per_second, rate_burst, created_at, expires_at, revoked_at,"
          + " replaced_by";

  private final DataSource dataSource;
  private final SecureRandom random = new SecureRandom();

  public KeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Every stored key, revoked and expired ones too, oldest first. */
  public List<StoredKey> all() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id");
        ResultSet rows = query.executeQuery()) {
      List<StoredKey> keys = new ArrayList<>();
      while (rows.next()) {
        keys.add(row(rows));
      }
      return keys;
    }
  }

  public Optional<StoredKey> get(String id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(row(rows)) : Optional.empty();
      }
    }
  }

  /** A new key with a fresh secret. */
  public NewKey create(String name, Scope scope, RateLimit rateLimit, Instant now)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return insert(connection, name, scope, rateLimit, now);
    }
  }

  /**
   * A new secret for key {@code id}'s name, scope and limit, as a new key; the old one keeps
   * working for {@code overlap} (or less, if it was to expire sooner) and names its successor.
   * Empty when there is no such key, or it is revoked or expired.
   */
  public Optional<NewKey> rotate(String id, Duration overlap, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Optional<StoredKey> old = lockedLive(connection, id, now);
        if (old.isEmpty()) {
          connection.rollback();
          return Optional.empty();
        }
        StoredKey key = old.get();
        NewKey made = insert(connection, key.name(), key.scope(), key.rateLimit(), now);
        Instant until = now.plus(overlap);
        if (key.expiresAt() != null && key.expiresAt().isBefore(until)) {
          until = key.expiresAt();
        }
        try (PreparedStatement update =
            connection.prepareStatement(
                "UPDATE api_keys SET expires_at = ?, replaced_by = ? WHERE id = ?")) {
          update.setTimestamp(1, Timestamp.from(until));
          update.setString(2, made.key().id());
          update.setString(3, id);
          update.executeUpdate();
        }
        connection.commit();
        return Optional.of(made);
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** Stops key {@code id} at once; false when there is no such key or it was revoked already. */
  public boolean revoke(String id, Instant now) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
      update.setTimestamp(1, Timestamp.from(now));
      update.setString(2, id);
      return update.executeUpdate() == 1;
    }
  }

  private Optional<StoredKey> lockedLive(Connection connection, String id, Instant now)
      throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT " + COLUMNS + " FROM api_keys WHERE id = ? FOR UPDATE")) {
      query.setString(1, id);
      try (ResultSet rows = query.executeQuery()) {
        return rows.next() ? Optional.of(row(rows)).filter(k -> k.liveAt(now)) : Optional.empty();
      }
    }
  }

  private NewKey insert(
      Connection connection, String name, Scope scope, RateLimit rateLimit, Instant now)
      throws SQLException {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    byte[] digest = KeyIds.sha256(secret);
    StoredKey key =
        new StoredKey(
            KeyIds.ofDigest(digest),
            name,
            scope,
            HexFormat.of().formatHex(digest),
            rateLimit,
            now,
            null,
            null,
            null);
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO api_keys (id, name, scope, digest, rate_per_second, rate_burst,"
                + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, key.id());
      insert.setString(2, name);
      insert.setString(3, scope.wireName());
      insert.setString(4, key.digest());
      if (rateLimit == null) {
        insert.setNull(5, Types.BIGINT);
        insert.setNull(6, Types.BIGINT);
      } else {
        insert.setLong(5, rateLimit.perSecond());
        insert.setLong(6, rateLimit.burst());
      }
      insert.setTimestamp(7, Timestamp.from(now));
      insert.executeUpdate();
    }
    return new NewKey(key, secret);
  }

  private static StoredKey row(ResultSet rows) throws SQLException {
    long perSecond = rows.getLong(5);
    boolean ownLimit = !rows.wasNull();
    long burst = rows.getLong(6);
    return new StoredKey(
        rows.getString(1),
        rows.getString(2),
        Scope.named(rows.getString(3)),
        rows.getString(4),
        ownLimit ? new RateLimit(perSecond, burst) : null,
        instant(rows.getTimestamp(7)),
        instant(rows.getTimestamp(8)),
        instant(rows.getTimestamp(9)),
        rows.getString(10));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}

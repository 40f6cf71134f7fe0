package io.itinera.engine.customer;

import com.typesafe.config.Config;

/** The bounds of a customer's state and how often it is snapshotted ({@code itinera.customer}). */
public record CustomerSettings(
    int recentMessageIds, int snapshotEvery, int keepSnapshots, int tagSlices) {

  public static CustomerSettings from(Config config) {
    Config c = config.getConfig("itinera.customer");
    return new CustomerSettings(
        c.getInt("recent-message-ids"),
        c.getInt("snapshot-every"),
        c.getInt("keep-snapshots"),
        config.getInt("itinera.journal.tag-slices"));
  }
}

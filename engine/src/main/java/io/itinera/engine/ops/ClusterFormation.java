package io.itinera.engine.ops;

import com.typesafe.config.Config;
import java.util.List;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a starting node becomes a cluster member, chosen by configuration (see {@code cluster.conf}):
 *
 * <ul>
 *   <li>{@code itinera.cluster.discovery} set ({@code ITINERA_DISCOVERY}, e.g. {@code
 *       kubernetes-api}): Pekko Management Cluster Bootstrap finds the other nodes through that
 *       discovery method and joins their cluster, or forms one with them;
 *   <li>otherwise {@code pekko.cluster.seed-nodes} set ({@code ITINERA_SEED_NODES}): the node joins
 *       them, once everything on it has started;
 *   <li>otherwise the node joins itself: a cluster of one, the default on one machine.
 * </ul>
 */
public final class ClusterFormation {

  private static final Logger log = LoggerFactory.getLogger(ClusterFormation.class);

  static final String DISCOVERY = "itinera.cluster.discovery";

  /** Where the node keeps its seed nodes until it joins them (see ItineraNode#joinWhenStarted). */
  public static final String SEED_NODES = "itinera.cluster.seed-nodes";

  static final String BOOTSTRAP_METHOD =
      "pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method";

  /** What {@link #join} did. */
  public enum Mode {
    BOOTSTRAP,
    SEED_NODES,
    SELF
  }

  private ClusterFormation() {}

  private static List<String> seedNodes(Config config) {
    return config.hasPath(SEED_NODES)
        ? config.getStringList(SEED_NODES)
        : config.getStringList("pekko.cluster.seed-nodes");
  }

  /** The way this configuration forms the cluster; fails on a contradictory configuration. */
  public static Mode mode(Config config) {
    String discovery = config.getString(DISCOVERY).trim();
    List<String> seedNodes = seedNodes(config);
    if (discovery.isEmpty()) {
      return seedNodes.isEmpty() ? Mode.SELF : Mode.SEED_NODES;
    }
    if (!seedNodes.isEmpty()) {
      throw new IllegalStateException(
          "Both seed nodes "
              + seedNodes
              + " and discovery method \""
              + discovery
              + "\" are configured: set ITINERA_SEED_NODES or ITINERA_DISCOVERY, not both");
    }
    String bootstrapMethod = config.getString(BOOTSTRAP_METHOD);
    if (!bootstrapMethod.equals(discovery)) {
      throw new IllegalStateException(
          DISCOVERY
              + " is \""
              + discovery
              + "\" but "
              + BOOTSTRAP_METHOD
              + " is \""
              + bootstrapMethod
              + "\": set both (ITINERA_DISCOVERY sets both)");
    }
    return Mode.BOOTSTRAP;
  }

  /**
   * Starts this node's way into the cluster and returns at once; membership follows asynchronously
   * (readiness on {@code /ready} waits for it). For bootstrap it also starts Pekko Management,
   * which serves the contact point the other nodes probe; a later {@code PekkoManagement.start()}
   * returns the same binding.
   */
  public static Mode join(ActorSystem<?> system) {
    Config config = system.settings().config();
    Mode mode = mode(config);
    Cluster cluster = Cluster.get(system);
    switch (mode) {
      case BOOTSTRAP -> {
        log.info(
            "Cluster: bootstrap through discovery method \"{}\", service \"{}\", forming a new"
                + " cluster only with at least {} nodes",
            config.getString(BOOTSTRAP_METHOD),
            config.getString(
                "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"),
            config.getInt(
                "pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr"));
        PekkoManagement.get(system).start();
        ClusterBootstrap.get(system).start();
      }
      case SEED_NODES -> {
        List<String> seeds = seedNodes(config);
        log.info("Cluster: joining seed nodes {}", seeds);
        cluster
            .manager()
            .tell(new JoinSeedNodes(seeds.stream().map(AddressFromURIString::parse).toList()));
      }
      case SELF -> {
        log.info("Cluster: no seed nodes and no discovery, forming a cluster of one");
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }
    }
    return mode;
  }
}

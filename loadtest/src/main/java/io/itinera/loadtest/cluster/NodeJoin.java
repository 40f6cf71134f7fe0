package io.itinera.loadtest.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * Starts node 3 at {@code joinAt} seconds into the measured phase, adds it to the load balancer
 * when its /ready answers 200, notes when node 1 lists three members Up, and samples every node's
 * shard count every second.
 */
final class NodeJoin {
  private final EngineNode[] nodes;
  private final List<EngineNode> balanced;
  private final NodeLaunch launch;
  private final int joinAt;
  private final List<String> timeline = new ArrayList<>();
  private volatile boolean over;
  private long origin;
  private Thread thread;
  volatile double startedAt = Double.NaN;
  volatile double readyAt = Double.NaN;
  volatile double upAt = Double.NaN;
  volatile double rebalancedAt = Double.NaN;
  volatile int lastShardsOnNew = -1;

  /** Nodes 1 and 2 held all 256 shards at some sample before node 3 started. */
  private boolean allAllocated;

  NodeJoin(EngineNode[] nodes, List<EngineNode> balanced, NodeLaunch launch, int joinAt) {
    this.nodes = nodes;
    this.balanced = balanced;
    this.launch = launch;
    this.joinAt = joinAt;
  }

  /** Just before the measured phase's load starts: its origin is within a millisecond of ours. */
  void begin() {
    origin = System.nanoTime();
    thread = new Thread(this::run, "scaleout-join");
    thread.setDaemon(true);
    thread.start();
  }

  void end() throws InterruptedException {
    over = true;
    thread.join(10_000);
  }

  private double now() {
    return (System.nanoTime() - origin) / 1e9;
  }

  private void run() {
    try {
      EngineNode fresh = nodes[2];
      long nextSample = 0;
      while (!over) {
        double t = now();
        if (Double.isNaN(startedAt) && t >= joinAt) {
          fresh.start(launch);
          startedAt = now();
          System.out.printf("%.1f s: node 3 started%n", startedAt);
        }
        if (!Double.isNaN(startedAt)) {
          if (Double.isNaN(readyAt) && fresh.ready()) {
            balanced.add(fresh);
            readyAt = now();
            System.out.printf("%.1f s: node 3 ready, in the load balancer%n", readyAt);
          }
          if (Double.isNaN(upAt) && nodes[0].membersUp() >= 3) {
            upAt = now();
            System.out.printf("%.1f s: node 1 lists 3 members Up%n", upAt);
          }
          if (!fresh.process.isAlive()) {
            System.out.printf(
                "%.1f s: node 3 EXITED with %d; see %s%n",
                now(), fresh.process.exitValue(), fresh.log);
            break;
          }
        }
        if (System.nanoTime() >= nextSample) {
          nextSample = System.nanoTime() + 1_000_000_000L;
          sample(t);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      System.out.printf("%.1f s: the join watcher failed: %s%n", now(), e);
      e.printStackTrace(System.out);
    }
  }

  /**
   * One line of the timeline: each node's shards (-: not running, ?: no answer). While node 3 does
   * not answer (its management port opens last), its count is estimated as the shards nodes 1 and 2
   * do not hold (~N), but only if they held all 256 before it started (else unallocated shards
   * would count as its own).
   */
  private void sample(double t) {
    StringBuilder line = new StringBuilder(String.format("%6.1f", t));
    int[] shards = new int[nodes.length];
    for (int n = 0; n < nodes.length; n++) {
      shards[n] = nodes[n].process == null ? -2 : nodes[n].shards();
    }
    if (shards[2] == -2 && shards[0] + shards[1] == ScaleOutBenchmark.SHARDS) {
      allAllocated = true;
    }
    for (int n = 0; n < nodes.length; n++) {
      String shown = shards[n] == -2 ? "-" : shards[n] < 0 ? "?" : Integer.toString(shards[n]);
      if (n == 2 && allAllocated && shards[2] == -1 && shards[0] >= 0 && shards[1] >= 0) {
        shards[2] = ScaleOutBenchmark.SHARDS - shards[0] - shards[1];
        shown = "~" + shards[2];
      }
      line.append(String.format(" %5s", shown));
    }
    if (shards[2] >= 0) {
      lastShardsOnNew = shards[2];
      if (Double.isNaN(rebalancedAt) && shards[2] >= ScaleOutBenchmark.SHARDS / 3) {
        rebalancedAt = t;
      }
    }
    line.append(balanced.contains(nodes[2]) ? "   3 nodes balanced" : "");
    synchronized (timeline) {
      timeline.add(line.toString());
    }
  }

  void printTimeline() {
    System.out.println(
        "---- shards held per node, sampled every second (-: not started, ?: no answer,"
            + " ~: node 3's estimated as 256 minus the others')");
    System.out.println("     s node1 node2 node3");
    synchronized (timeline) {
      timeline.forEach(System.out::println);
    }
  }
}

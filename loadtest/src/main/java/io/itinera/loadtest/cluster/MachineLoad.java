package io.itinera.loadtest.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How busy the machine is (Linux /proc): the benchmark shares its cores with the nodes. */
final class MachineLoad {

  private MachineLoad() {}

  /** The 1, 5 and 15 minute load averages (Linux), or "?". */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /**
   * All cores' jiffies from /proc/stat (Linux): user, nice, system (with irq, softirq, steal), idle
   * (with iowait), total; zeros elsewhere.
   */
  static long[] cpuJiffies() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long[] v = new long[9];
      for (int i = 1; i < fields.length && i <= 8; i++) {
        v[i] = Long.parseLong(fields[i]);
      }
      long total = v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7] + v[8];
      return new long[] {v[1], v[2], v[3] + v[6] + v[7] + v[8], v[4] + v[5], total};
    } catch (IOException | RuntimeException e) {
      return new long[5];
    }
  }

  static String busy(long[] before, long[] after) {
    double total = after[4] - before[4];
    if (total <= 0) {
      return "?";
    }
    return String.format(
        "%.0f%% busy (user %.0f%%, niced %.0f%%, system %.0f%%)",
        100 * (1 - (after[3] - before[3]) / total),
        100 * (after[0] - before[0]) / total,
        100 * (after[1] - before[1]) / total,
        100 * (after[2] - before[2]) / total);
  }
}

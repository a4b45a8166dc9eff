package dev.switchboard.reliability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Count, mean, median, 95th and 99th percentile and maximum of some measurements, in seconds. */
record Stats(int count, double mean, double p50, double p95, double p99, double max) {
  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      return new Stats(0, 0, 0, 0, 0, 0);
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return new Stats(
        sorted.size(),
        sum / sorted.size(),
        percentile(sorted, 50),
        percentile(sorted, 95),
        percentile(sorted, 99),
        sorted.getLast());
  }

  /** The nearest-rank percentile. */
  private static double percentile(List<Double> sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  @Override
  public String toString() {
    if (count == 0) {
      return "none";
    }
    return String.format(
        Locale.ROOT,
        "mean %.2f s, p50 %.2f s, p95 %.2f s, p99 %.2f s, max %.2f s" + " (%d)",
        mean,
        p50,
        p95,
        p99,
        max,
        count);
  }
}

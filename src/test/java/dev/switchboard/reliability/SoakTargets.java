package dev.switchboard.reliability;

import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The soak's flatness rules, applied to its samples (t in seconds since the load began, T the
 * load's duration). See reliability/README.md, "Soak", for why these rules.
 *
 * <ul>
 *   <li>RSS flat: the mean RSS of the last quarter (t ≥ 3T/4) is at most {@code rssTolerance}
 *       above the mean of the second quarter (T/4 ≤ t &lt; T/2, after warm-up). The slope of a
 *       least-squares line through the second half is reported with it, in MB an hour.
 *   <li>Open files flat: over the second half (t ≥ T/2) the descriptors other than sockets (the
 *       store's files, the log, pipes, event fds) vary by at most {@code fdBand} (largest minus
 *       smallest), and the mean of all descriptors over the last quarter is at most {@code
 *       fdBand} above the second quarter's. Sockets are apart because the HTTP clients' pooled
 *       connections follow the load's jitter (about 240 at 50 messages a second, ± 5 from one
 *       sample to the next), while a leak of one a minute shows as 30 between the quarters.
 *   <li>Store held: the largest store size of the last third (t ≥ 2T/3) is at most {@code
 *       storeTolerance} above the largest size sampled by the end of the first retention age
 *       plus one pass interval (t ≤ R + P). Assessed only when the last third begins after
 *       that (T ≥ 1.5 (R + P)); a shorter run cannot tell.
 * </ul>
 *
 * @param rssSecondQuarterMb mean RSS over the second quarter, MB
 * @param rssLastQuarterMb mean RSS over the last quarter, MB
 * @param rssSlopeMbPerHour slope of RSS over the second half, MB an hour
 * @param rssFlat whether the last quarter's mean is within the tolerance
 * @param fdsSecondHalfMin fewest open descriptors in the second half
 * @param fdsSecondHalfMax most open descriptors in the second half
 * @param otherFdsSecondHalfMin fewest descriptors other than sockets in the second half
 * @param otherFdsSecondHalfMax most descriptors other than sockets in the second half
 * @param fdsSecondQuarterMean mean open descriptors over the second quarter
 * @param fdsLastQuarterMean mean open descriptors over the last quarter
 * @param fdsFlat whether the others' max − min and the growth of the mean are within the band
 * @param storeAssessed whether the run was long enough to judge the store
 * @param storeFirstMaxBytes largest store size up to R + P
 * @param storeLastThirdMaxBytes largest store size over the last third
 * @param storeHeld whether the last third stayed within the tolerance (false when not
 *     assessed)
 * @param samplesRead whether every sample read the process (RSS, open files, threads) and there
 *     were samples in each part the rules look at
 */
public record SoakTargets(
    double rssSecondQuarterMb,
    double rssLastQuarterMb,
    double rssSlopeMbPerHour,
    boolean rssFlat,
    int fdsSecondHalfMin,
    int fdsSecondHalfMax,
    int otherFdsSecondHalfMin,
    int otherFdsSecondHalfMax,
    double fdsSecondQuarterMean,
    double fdsLastQuarterMean,
    boolean fdsFlat,
    boolean storeAssessed,
    long storeFirstMaxBytes,
    long storeLastThirdMaxBytes,
    boolean storeHeld,
    boolean samplesRead) {

  static SoakTargets of(
      List<SoakSample> samples,
      double loadSeconds,
      double retentionAndPassSeconds,
      double rssTolerance,
      int fdBand,
      double storeTolerance) {
    double t = loadSeconds;
    List<SoakSample> q2 = between(samples, t / 4, t / 2);
    List<SoakSample> q4 = between(samples, 3 * t / 4, Double.MAX_VALUE);
    List<SoakSample> h2 = between(samples, t / 2, Double.MAX_VALUE);
    boolean read = !samples.isEmpty()
        && samples.stream()
            .allMatch(s -> s.rssKb() > 0 && s.fds() > 0 && s.sockets() >= 0 && s.threads() > 0)
        && !q2.isEmpty()
        && !q4.isEmpty()
        && h2.size() >= 2;
    double q2Mb = mean(q2, s -> s.rssKb() / 1024.0);
    double q4Mb = mean(q4, s -> s.rssKb() / 1024.0);
    double slope = slope(h2, s -> s.rssKb() / 1024.0) * 3600;
    int fdMin = h2.stream().mapToInt(SoakSample::fds).min().orElse(-1);
    int fdMax = h2.stream().mapToInt(SoakSample::fds).max().orElse(-1);
    int otherMin = h2.stream().mapToInt(x -> x.fds() - x.sockets()).min().orElse(-1);
    int otherMax = h2.stream().mapToInt(x -> x.fds() - x.sockets()).max().orElse(-1);
    double fdQ2 = mean(q2, SoakSample::fds);
    double fdQ4 = mean(q4, SoakSample::fds);
    boolean assessed = 2 * t / 3 >= retentionAndPassSeconds;
    long firstMax = between(samples, -1, retentionAndPassSeconds + 1e-9).stream()
        .mapToLong(SoakSample::storeBytes)
        .max()
        .orElse(-1);
    long lastMax = between(samples, 2 * t / 3, Double.MAX_VALUE).stream()
        .mapToLong(SoakSample::storeBytes)
        .max()
        .orElse(-1);
    return new SoakTargets(
        q2Mb,
        q4Mb,
        slope,
        read && q4Mb <= q2Mb * (1 + rssTolerance),
        fdMin,
        fdMax,
        otherMin,
        otherMax,
        fdQ2,
        fdQ4,
        read && otherMax - otherMin <= fdBand && fdQ4 <= fdQ2 + fdBand,
        assessed,
        firstMax,
        lastMax,
        assessed && firstMax > 0 && lastMax >= 0 && lastMax <= firstMax * (1 + storeTolerance),
        read);
  }

  /** Samples with from ≤ t &lt; to. */
  private static List<SoakSample> between(List<SoakSample> samples, double from, double to) {
    return samples.stream().filter(s -> s.t() >= from && s.t() < to).toList();
  }

  private static double mean(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
    return samples.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  /** The least-squares slope of f over t, per second; 0 for fewer than two samples. */
  static double slope(List<SoakSample> samples, ToDoubleFunction<SoakSample> f) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mt = 0;
    double mv = 0;
    for (SoakSample s : samples) {
      mt += s.t();
      mv += f.applyAsDouble(s);
    }
    mt /= n;
    mv /= n;
    double num = 0;
    double den = 0;
    for (SoakSample s : samples) {
      num += (s.t() - mt) * (f.applyAsDouble(s) - mv);
      den += (s.t() - mt) * (s.t() - mt);
    }
    return den == 0 ? 0 : num / den;
  }
}

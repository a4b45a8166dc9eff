package dev.switchboard.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The soak's flatness rules on made-up samples: a 3600 s run, retention 900 s + a 225 s pass. */
class SoakTargetsTest {
  private static final double T = 3600;
  private static final double R_PLUS_P = 1125;

  /** Samples every 10 s with RSS (MB), open files and store size (MB) as functions of t. */
  private static List<SoakSample> samples(
      DoubleUnaryOperator rssMb, DoubleUnaryOperator fds, DoubleUnaryOperator storeMb) {
    List<SoakSample> out = new ArrayList<>();
    for (double t = 0; t <= T; t += 10) {
      out.add(new SoakSample(
          t,
          (long) (rssMb.applyAsDouble(t) * 1024),
          0,
          (int) fds.applyAsDouble(t),
          (int) fds.applyAsDouble(t) - 20,
          30,
          (long) (storeMb.applyAsDouble(t) * 1048576),
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          "1.0"));
    }
    return out;
  }

  private static SoakTargets of(List<SoakSample> s) {
    return SoakTargets.of(s, T, R_PLUS_P, 0.10, 10, 0.10);
  }

  /** Grows until retention holds it (at R + P), then saw-tooths below that peak. */
  private static double heldStore(double t) {
    return t < R_PLUS_P ? 200 * t / R_PLUS_P : 160 + 40 * ((t % 225) / 225);
  }

  @Test
  void aRunThatWarmsUpThenStaysFlatMeetsEveryTarget() {
    SoakTargets t = of(samples(
        x -> x < 300 ? 150 + x / 3 : 250 + 5 * Math.sin(x / 50),
        x -> 50 + (x % 30 == 0 ? 4 : 0),
        SoakTargetsTest::heldStore));

    assertThat(t.samplesRead()).isTrue();
    assertThat(t.rssFlat()).isTrue();
    assertThat(t.fdsFlat()).isTrue();
    assertThat(t.storeAssessed()).isTrue();
    assertThat(t.storeHeld()).isTrue();
    assertThat(t.rssSlopeMbPerHour()).isBetween(-5.0, 5.0);
  }

  @Test
  void memoryGrowingByAQuarterAfterWarmUpIsNotFlat() {
    SoakTargets t = of(samples(x -> 200 + 60 * x / T, x -> 50, SoakTargetsTest::heldStore));

    assertThat(t.rssFlat()).isFalse();
    assertThat(t.rssSlopeMbPerHour()).isCloseTo(60, Offset.offset(1.0));
  }

  @Test
  void oneLeakedFileEveryFewMinutesIsNotFlat() {
    List<SoakSample> s = new ArrayList<>();
    for (SoakSample x : samples(x -> 250, x -> 50 + x / 120, SoakTargetsTest::heldStore)) {
      s.add(new SoakSample(
          x.t(), x.rssKb(), 0, x.fds(), 30, 30, x.storeBytes(), 0, 0, 0, 0, 0, 0, 0, 0, 0, "1.0"));
    }

    SoakTargets t = of(s);

    assertThat(t.otherFdsSecondHalfMax() - t.otherFdsSecondHalfMin()).isGreaterThan(10);
    assertThat(t.fdsFlat()).isFalse();
  }

  @Test
  void oneLeakedSocketAMinuteIsNotFlat() {
    SoakTargets t = of(samples(x -> 250, x -> 240 + x / 60, SoakTargetsTest::heldStore));

    assertThat(t.otherFdsSecondHalfMax() - t.otherFdsSecondHalfMin()).isZero();
    assertThat(t.fdsLastQuarterMean() - t.fdsSecondQuarterMean()).isCloseTo(30, Offset.offset(1.0));
    assertThat(t.fdsFlat()).isFalse();
  }

  @Test
  void socketsComingAndGoingWithTheLoadAreFlat() {
    List<SoakSample> s = new ArrayList<>();
    for (SoakSample x :
        samples(x -> 250, x -> 240 + 15 * Math.sin(x / 7), SoakTargetsTest::heldStore)) {
      s.add(new SoakSample(
          x.t(),
          x.rssKb(),
          0,
          x.fds(),
          x.fds() - 20,
          30,
          x.storeBytes(),
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          "1.0"));
    }

    SoakTargets t = of(s);

    assertThat(t.fdsSecondHalfMax() - t.fdsSecondHalfMin()).isGreaterThan(20);
    assertThat(t.fdsFlat()).isTrue();
  }

  @Test
  void aStoreStillGrowingInTheLastThirdIsNotHeld() {
    SoakTargets t = of(samples(x -> 250, x -> 50, x -> 200 * x / R_PLUS_P));

    assertThat(t.storeAssessed()).isTrue();
    assertThat(t.storeHeld()).isFalse();
  }

  @Test
  void aRunTooShortForRetentionDoesNotAssessTheStore() {
    List<SoakSample> s =
        samples(x -> 250, x -> 50, x -> x).stream().filter(x -> x.t() <= 600).toList();

    SoakTargets t = SoakTargets.of(s, 600, R_PLUS_P, 0.10, 10, 0.10);

    assertThat(t.storeAssessed()).isFalse();
    assertThat(t.storeHeld()).isFalse();
  }

  @Test
  void aSamplerThatReadNothingFailsTheFlatnessTargets() {
    SoakTargets t = of(samples(x -> -1.0 / 1024, x -> -1, SoakTargetsTest::heldStore));

    assertThat(t.samplesRead()).isFalse();
    assertThat(t.rssFlat()).isFalse();
    assertThat(t.fdsFlat()).isFalse();
  }
}

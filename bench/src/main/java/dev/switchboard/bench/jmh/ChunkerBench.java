package dev.switchboard.bench.jmh;

import dev.switchboard.text.ReplyFormat;
import dev.switchboard.text.StyledText;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link ReplyFormat#plainText}: a long plain-text reply cut into 4096-character messages, as the
 * gateway cuts replies for platforms that render nothing themselves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class ChunkerBench {
  @Param({"20000", "100000"})
  public int length;

  private String text;

  @Setup
  public void setUp() {
    String paragraph = "The gateway journals every message before it is acknowledged and records"
        + " every reply before it is sent, so a restart neither loses nor repeats an answer."
        + " A stop drains running turns first.\nThen it interrupts what is left, disconnects"
        + " the platforms and exits with the code its supervisor expects.\n\n";
    StringBuilder sb = new StringBuilder();
    while (sb.length() < length) {
      sb.append(paragraph);
    }
    text = sb.substring(0, length);
  }

  @Benchmark
  public List<String> split() {
    return ReplyFormat.plainText(4096).messages(StyledText.plain(text));
  }
}

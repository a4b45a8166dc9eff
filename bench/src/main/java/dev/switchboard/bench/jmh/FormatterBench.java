package dev.switchboard.bench.jmh;

import dev.switchboard.platform.telegram.TelegramHtml;
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
 * {@link TelegramHtml#REPLIES}: an agent's Markdown reply to Telegram HTML messages of at most
 * 4096 visible characters. "typical" is a ~1.5 KB reply with the usual mix of
 * formatting; "large" is ~20 KB (several messages).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx256m"})
public class FormatterBench {
  /** One section of a typical reply: headings, emphasis, a list, a link, a code block. */
  static final String SECTION = """
      ## Restarting the service safely

      You can restart the gateway **without losing messages**: every message is *journaled*
      before it is acknowledged, and every reply is recorded in the outbox before it is sent.
      Here is what happens, step by step:

      - the stop request arms a _hard deadline_ of `drain_timeout + shutdown_grace`;
      - running turns get up to **60 s** to finish and deliver their reply;
      - anything still running is interrupted, and those chats are told to send again;
      - see [the README](https://example.com/switchboard/README.md) for the exit codes.

      > Tip: run `switchboard status --json` to watch the state file while it drains.

      ```sh
      switchboard restart --timeout 90
      journalctl --user -u switchboard -f
      ```

      If the restart takes longer than expected, check ~~the firewall~~ the log for a turn that
      ignores interrupts, e.g. a backend stuck in `read()` on a socket with no timeout. Values
      like 5 < 7 & 9 > 3 are escaped as HTML entities.

      """;

  @Param({"typical", "large"})
  public String size;

  private String markdown;

  @Setup
  public void setUp() {
    int target = size.equals("typical") ? 1_500 : 20_000;
    StringBuilder sb = new StringBuilder();
    while (sb.length() < target) {
      sb.append(SECTION);
    }
    markdown = sb.substring(0, Math.min(sb.length(), Math.max(target, SECTION.length())));
  }

  @Benchmark
  public List<String> toHtmlChunks() {
    return TelegramHtml.REPLIES.messages(markdown);
  }
}

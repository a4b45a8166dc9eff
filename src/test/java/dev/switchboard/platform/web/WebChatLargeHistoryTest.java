package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 200 MB of web chat history (the crash loop began at 117 MB, when the start read every
 * conversation into the heap): the web chat starts in well under 2 seconds and allocates a few
 * megabytes doing it, and the biggest conversation (100 MB) is read a page at a time. The real
 * jar under the launcher's heap limit is {@code WebChatHistoryProcessIT}.
 *
 * <p>The time asserted is the CPU time of the thread that starts the web chat: the machine the
 * tests run on is shared with other builds, and the wall-clock time there measures them too. It
 * is logged. The history is written to memory ({@code /dev/shm}) where there is one: the disk is
 * not what is under test, and writing 200 MB to a busy one takes longer than the test may.
 */
class WebChatLargeHistoryTest {
  private static final Logger log = LoggerFactory.getLogger(WebChatLargeHistoryTest.class);
  private static final long MB = 1024 * 1024;
  /**
   * The launcher's -Xmx is 112 MB; the start's share of it must be small and fixed. Measured:
   * about 19 MB in a fresh JVM (most of it the classes' first use), 4.5 MB once warm.
   */
  private static final long MOST_ALLOCATED_BY_THE_START = 32 * MB;

  private static final long MOST_ALLOCATED_BY_A_PAGE = 4 * MB;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @TempDir
  Path fallback;

  private Path home;

  @BeforeEach
  void makeHome() throws Exception {
    Path shm = Path.of("/dev/shm");
    home = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "switchboard-webhist-")
        : fallback;
  }

  @AfterEach
  void removeHome() throws Exception {
    if (!home.equals(fallback)) {
      try (var files = Files.walk(home)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void twoHundredMegabytesOfHistoryStartInUnderTwoSecondsWithoutBeingRead() throws Exception {
    HistoryFiles.Written history = HistoryFiles.write(home.resolve("web"), 100 * MB, 100, MB);
    assertThat(history.bytes()).isGreaterThanOrEqualTo(200 * MB);

    long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
    long cpuBefore = threads.getCurrentThreadCpuTime();
    long started = System.nanoTime();
    ChatLogs logs = new ChatLogs(home.resolve("web"), Clock.systemUTC());
    logs.load();
    List<ChatSummary> list = logs.list();
    MessagePage newest =
        logs.page(history.bigChat(), null, ChatLogs.PAGE_MESSAGES).orElseThrow();
    Duration wall = Duration.ofNanos(System.nanoTime() - started);
    Duration cpu = Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuBefore);
    long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
    log.info(
        "{} MB of history: listed and the newest page read in {} ms ({} ms of CPU), {} KB"
            + " allocated",
        history.bytes() / MB,
        wall.toMillis(),
        cpu.toMillis(),
        allocated / 1024);

    assertThat(list).hasSize(101);
    assertThat(list.getFirst())
        .isEqualTo(new ChatSummary(
            history.bigChat(),
            "message 1 question",
            HistoryFiles.BIG_CHAT_START.plusMillis(history.bigChatMessages())));
    assertThat(newest.messages()).hasSize(ChatLogs.PAGE_MESSAGES);
    assertThat(newest.messages().getLast().text())
        .startsWith("message " + history.bigChatMessages() + " ");
    assertThat(cpu).isLessThan(Duration.ofSeconds(2));
    assertThat(allocated).isLessThan(MOST_ALLOCATED_BY_THE_START);
    assertThat(logs.cachedBytes()).isLessThanOrEqualTo(ChatLogs.CACHE_BYTES);

    // Scrolling up: each older page follows on from the one before, at a fixed cost.
    MessagePage page = newest;
    int expectedLast = history.bigChatMessages() - ChatLogs.PAGE_MESSAGES;
    for (int i = 0; i < 20; i++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      page = logs.page(history.bigChat(), page.before(), ChatLogs.MAX_PAGE_MESSAGES)
          .orElseThrow();
      assertThat(threads.getCurrentThreadAllocatedBytes() - before)
          .isLessThan(MOST_ALLOCATED_BY_A_PAGE);
      assertThat(page.messages()).hasSize(ChatLogs.MAX_PAGE_MESSAGES);
      assertThat(page.messages().getLast().text()).startsWith("message " + expectedLast + " ");
      expectedLast -= ChatLogs.MAX_PAGE_MESSAGES;
    }
  }

  @Test
  void theGeneratedHistoryIsWhatTheGatewayWrites() {
    for (int n : new int[] {1, 2, 171_002}) {
      assertThat(HistoryFiles.line(n, HistoryFiles.T0.plusMillis(n)))
          .isEqualTo(ChatLine.message(HistoryFiles.message(n, HistoryFiles.T0.plusMillis(n))));
    }
  }
}

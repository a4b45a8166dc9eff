package dev.switchboard.hooks;

import static dev.switchboard.hooks.HookScripts.gone;
import static dev.switchboard.hooks.HookScripts.pid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.common.Ticker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookProcessTest {
  private static final String EVENT = "{\"event\":\"turn.finished\",\"outcome\":\"answered\"}\n";
  private static final String TOKEN = "123456:ABCDEFsecrettokenvalue";

  @TempDir
  Path home;

  private HookResult run(Path script, Duration timeout) {
    Map<String, String> gateway = new HashMap<>(System.getenv());
    gateway.put("TELEGRAM_BOT_TOKEN", TOKEN);
    gateway.put("OPENAI_API_KEY", "sk-test-notforhooks");
    return new HookProcess(
            new Hook("test", List.of(script.toString())),
            EVENT.getBytes(StandardCharsets.UTF_8),
            new HookEnvironment(gateway, home).forEvent(EventKind.TURN_FINISHED),
            home,
            timeout,
            Ticker.system())
        .run();
  }

  @Test
  void theHookReadsTheEventInTheStateDirectoryWithAnEnvironmentWithoutSecrets() throws Exception {
    Path hook = HookScripts.script(
        home.resolve("record"), "cat > event.json\npwd > cwd.txt\nenv > env.txt");

    HookResult result = run(hook, Duration.ofSeconds(10));

    assertThat(result).isInstanceOf(HookResult.Exited.class);
    assertThat(((HookResult.Exited) result).code()).isZero();
    assertThat(Files.readString(home.resolve("event.json"))).isEqualTo(EVENT);
    assertThat(Path.of(Files.readString(home.resolve("cwd.txt")).strip()).toRealPath())
        .isEqualTo(home.toRealPath());
    String env = Files.readString(home.resolve("env.txt"));
    assertThat(env)
        .contains("SWITCHBOARD_EVENT=turn.finished\n")
        .contains("SWITCHBOARD_HOME=" + home.toAbsolutePath() + "\n")
        .contains("PATH=")
        .doesNotContain(TOKEN)
        .doesNotContain("TELEGRAM_BOT_TOKEN")
        .doesNotContain("OPENAI_API_KEY")
        .doesNotContain("sk-test");
    List<String> names = env.lines()
        .map(l -> l.substring(0, l.indexOf('=')))
        .filter(n -> !n.equals("PWD") && !n.equals("SHLVL") && !n.equals("_"))
        .toList(); // the three the shell sets itself
    assertThat(HookEnvironment.PASSED_ON)
        .containsAll(names.stream().filter(n -> !n.startsWith("SWITCHBOARD_")).toList());
  }

  @Test
  void aHookThatHangsIsKilledAtItsTimeoutWithTheChildrenOfItsGroup() throws Exception {
    // The child ignores SIGTERM: only the SIGKILL a second later ends it.
    Path hook = HookScripts.script(home.resolve("hang"), """
        echo $$ > self.pid
        (trap '' TERM; exec sleep 1000) &
        echo $! > child.pid
        sleep 1000 &
        echo $! > other.pid
        echo "about to hang" >&2
        wait
        """);
    Duration timeout = Duration.ofSeconds(1);
    long t0 = System.nanoTime();

    HookResult result = run(hook, timeout);

    long returned = System.nanoTime();
    assertThat(result).isInstanceOf(HookResult.TimedOut.class);
    assertThat(((HookResult.TimedOut) result).stderr()).isEqualTo("about to hang");
    long self = pid(home.resolve("self.pid"));
    long child = pid(home.resolve("child.pid"));
    long other = pid(home.resolve("other.pid"));
    await().atMost(Duration.ofSeconds(2)).until(() -> gone(self) && gone(child) && gone(other));
    long allGone = System.nanoTime();
    Duration afterTimeout = Duration.ofNanos(allGone - t0).minus(timeout);
    System.out.printf(
        "hook timeout %d ms: run returned %d ms after it, the group was gone %d ms after it%n",
        timeout.toMillis(),
        Duration.ofNanos(returned - t0).minus(timeout).toMillis(),
        afterTimeout.toMillis());
    assertThat(afterTimeout).isLessThan(HookProcess.TERM_GRACE.plusSeconds(1));
  }

  @Test
  void whatAHookLeftRunningIsEndedWithIt() throws Exception {
    Path hook = HookScripts.script(home.resolve("leaves"), """
        sleep 1000 >/dev/null 2>&1 </dev/null &
        echo $! > child.pid
        exit 0
        """);

    HookResult result = run(hook, Duration.ofSeconds(10));

    assertThat(result).isEqualTo(new HookResult.Exited(0, ((HookResult.Exited) result).took(), ""));
    long child = pid(home.resolve("child.pid"));
    await().atMost(Duration.ofSeconds(2)).until(() -> gone(child));
  }

  @Test
  void theEndOfALongStderrIsKept() throws Exception {
    Path hook = HookScripts.script(home.resolve("noisy"), """
        i=0
        while [ $i -lt 300 ]; do echo "noise line $i" >&2; i=$((i+1)); done
        echo "the real reason" >&2
        exit 3
        """);

    HookResult.Exited result = (HookResult.Exited) run(hook, Duration.ofSeconds(10));

    assertThat(result.code()).isEqualTo(3);
    assertThat(result.stderr())
        .startsWith("\u2026")
        .endsWith("noise line 299\nthe real reason")
        .doesNotContain("noise line 0\n");
    assertThat(result.stderr().getBytes(StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(StderrTail.KEPT_BYTES + 3);
  }

  @Test
  void aHookThatCannotStartSaysWhy() throws Exception {
    Path hook = home.resolve("missing");

    HookResult result = run(hook, Duration.ofSeconds(10));

    // setsid starts, and cannot exec the hook: 127, as a shell says for a missing command
    assertThat(result).isInstanceOf(HookResult.Exited.class);
    HookResult.Exited exited = (HookResult.Exited) result;
    assertThat(exited.code()).isEqualTo(127);
    assertThat(exited.stderr()).contains(hook.toString()).contains("No such file");
  }

  @Test
  void anInterruptKillsTheGroupAtOnce() throws Exception {
    Path hook = HookScripts.script(
        home.resolve("hang"), "echo $$ > self.pid\nsleep 1000 &\necho $! > child.pid\nwait");
    AtomicReference<HookResult> outcome = new AtomicReference<>();
    Thread t = Thread.ofVirtual().start(() -> outcome.set(run(hook, Duration.ofMinutes(5))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(home.resolve("child.pid"))
            && !Files.readString(home.resolve("child.pid")).isBlank());

    t.interrupt();
    t.join(Duration.ofSeconds(3));

    assertThat(outcome.get()).isInstanceOf(HookResult.Stopped.class);
    long self = pid(home.resolve("self.pid"));
    long child = pid(home.resolve("child.pid"));
    await().atMost(Duration.ofSeconds(2)).until(() -> gone(self) && gone(child));
  }
}

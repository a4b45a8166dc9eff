package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** AcpBackend against the real ACP test agent (src/test/acp-agent, official TypeScript SDK). */
@Timeout(60)
class AcpBackendTest {
  @TempDir
  Path root;

  private AcpBackend backend;

  private AcpBackend backend(int maxProcesses) {
    backend = new AcpBackend(new AcpBackend.Settings(
        TestAgent.command(),
        root,
        maxProcesses,
        Duration.ofSeconds(30),
        AgentEnvironment.of(System.getenv(), List.of()),
        null));
    return backend;
  }

  @AfterEach
  void close() {
    if (backend != null) {
      backend.close();
    }
  }

  /** Collects what a turn streams. */
  static final class Collector implements TurnOutput {
    final List<String> deltas = new CopyOnWriteArrayList<>();
    final List<String> tools = new CopyOnWriteArrayList<>();
    final CountDownLatch firstDelta = new CountDownLatch(1);

    @Override
    public void append(String delta) {
      deltas.add(delta);
      firstDelta.countDown();
    }

    @Override
    public void toolProgress(String line) {
      tools.add(line);
    }
  }

  private static TurnRequest req(String conversation, String text) {
    return req(conversation, text, List.of(), Approver.DENY_ALL);
  }

  private static TurnRequest req(
      String conversation, String text, List<ChatMessage> history, Approver approver) {
    return new TurnRequest(
        conversation,
        ChatRef.of("test", conversation),
        new Sender("u", "U"),
        text,
        history,
        null,
        approver);
  }

  private String say(String conversation, String text) throws Exception {
    return backend
        .run(req(conversation, text), new Collector(), new TurnControl())
        .text();
  }

  private long pid(String conversation) throws Exception {
    return Long.parseLong(say(conversation, "pid"));
  }

  @Test
  void streamsTheReplyInChunks() throws Exception {
    backend(4);
    Collector out = new Collector();
    long t0 = System.nanoTime();
    TurnResult r = backend.run(req("c1", "echo hello streaming world"), out, new TurnControl());
    long firstMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.text()).isEqualTo("hello streaming world");
    assertThat(out.deltas).hasSizeGreaterThan(3);
    assertThat(String.join("", out.deltas)).isEqualTo(r.text());
    t0 = System.nanoTime();
    assertThat(say("c1", "echo again")).isEqualTo("again");
    long secondMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf(
        "ACP first turn (process start + initialize + session/new) %d ms," + " next turn %d ms%n",
        firstMs, secondMs);
    assertThat(backend.describe()).isEqualTo("acp (node)");
  }

  @Test
  void reportsToolCallsAsProgressLines() throws Exception {
    backend(4);
    Collector out = new Collector();
    TurnResult r = backend.run(req("c1", "tool"), out, new TurnControl());
    assertThat(r.text()).isEqualTo("tool done");
    assertThat(out.tools)
        .containsExactly(
            "🔧 Read file /src/App.java (pending)", "🔧 Read file /src/App.java (completed)");
  }

  private String ask(String prompt, Approver.Decision decision, List<String> asked)
      throws Exception {
    Approver approver = (title, details) -> {
      asked.add(title + "|" + details);
      return decision;
    };
    return backend
        .run(req("c1", prompt, List.of(), approver), new Collector(), new TurnControl())
        .text();
  }

  @Test
  void permissionRequestsGoToTheApprover() throws Exception {
    backend(4);
    List<String> asked = new CopyOnWriteArrayList<>();
    assertThat(ask("ask", Approver.Decision.APPROVED, asked)).isEqualTo("chosen: yes");
    assertThat(asked)
        .singleElement()
        .asString()
        .startsWith("Run `rm -rf build`|")
        .contains("Kind: execute")
        .contains("rm -rf build");
    assertThat(ask("ask", Approver.Decision.DENIED, asked)).isEqualTo("chosen: no");
    assertThat(ask("ask", Approver.Decision.TIMED_OUT, asked)).isEqualTo("chosen: no");
    assertThat(ask("ask", Approver.Decision.CANCELLED, asked)).isEqualTo("chosen: cancelled");
    assertThat(ask("ask-always", Approver.Decision.APPROVED, asked))
        .isEqualTo("chosen: yes-forever");
    assertThat(ask("ask-always", Approver.Decision.DENIED, asked)).isEqualTo("chosen: no-forever");
  }

  @Test
  void stopEndsTheTurnWithinASecondAndAnOpenQuestionIsCancelled() throws Exception {
    backend(4);
    Collector out = new Collector();
    TurnControl control = new TurnControl();
    CompletableFuture<TurnResult> turn = CompletableFuture.supplyAsync(
        () -> {
          try {
            return backend.run(req("c1", "slow 50"), out, control);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        },
        r -> Thread.ofVirtual().start(r));
    assertThat(out.firstDelta.await(20, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    control.cancel(TurnControl.Reason.USER_STOP);
    TurnResult r = turn.get(5, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("ACP cancel: the turn ended %d ms after /stop%n", ms);
    assertThat(ms).isLessThan(1000);
    assertThat(r.text()).startsWith("tick 1 ").doesNotContain("tick 50");
    assertThat(say("c1", "history")).isEqualTo("prompts seen: 2");

    // A permission question open when /stop comes is answered "cancelled" at once.
    CountDownLatch asking = new CountDownLatch(1);
    Approver waitsForever = (title, details) -> {
      asking.countDown();
      new CountDownLatch(1).await();
      return Approver.Decision.APPROVED;
    };
    TurnControl c2 = new TurnControl();
    Collector out2 = new Collector();
    CompletableFuture<TurnResult> t2 = CompletableFuture.supplyAsync(
        () -> {
          try {
            return backend.run(req("c1", "ask", List.of(), waitsForever), out2, c2);
          } catch (Exception e) {
            throw new RuntimeException(e);
          }
        },
        r2 -> Thread.ofVirtual().start(r2));
    assertThat(asking.await(20, TimeUnit.SECONDS)).isTrue();
    t0 = System.nanoTime();
    c2.cancel(TurnControl.Reason.USER_STOP);
    assertThat(t2.get(5, TimeUnit.SECONDS).text()).isEqualTo("chosen: cancelled");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
  }

  @Test
  void aCrashFailsTheTurnClearlyAndTheNextTurnGetsANewProcess() throws Exception {
    backend(4);
    long before = pid("c1");
    ProcessHandle old = backend.processOf("c1");
    assertThatThrownBy(() -> say("c1", "crash"))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.userMessage()).startsWith("The agent process exited (code 3)"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !old.isAlive());
    long after = pid("c1");
    assertThat(after).isNotEqualTo(before);
    assertThat(say("c1", "history")).isEqualTo("prompts seen: 2");
  }

  @Test
  void theConversationRemembersEarlierPrompts() throws Exception {
    backend(4);
    say("c1", "echo one");
    say("c1", "echo two");
    assertThat(say("c1", "history")).isEqualTo("prompts seen: 3");
    assertThat(say("c2", "history")).isEqualTo("prompts seen: 1");
  }

  @Test
  void aNewProcessIsToldTheConversationSoFarOnce() throws Exception {
    backend(4);
    List<ChatMessage> history = List.of(
        new ChatMessage(ChatMessage.USER, "my name is Ada"),
        new ChatMessage(ChatMessage.ASSISTANT, "hello Ada"));
    String first = backend
        .run(req("c1", "blocks", history, Approver.DENY_ALL), new Collector(), new TurnControl())
        .text();
    assertThat(first)
        .startsWith("blocks: 2; first: (Context: the conversation so far")
        .contains("User: my name is Ada\n\nAssistant: hello Ada");
    String second = backend
        .run(req("c1", "blocks", history, Approver.DENY_ALL), new Collector(), new TurnControl())
        .text();
    assertThat(second).startsWith("blocks: 1; first: blocks");
  }

  @Test
  void conversationEndedStopsTheProcessAndWhatItStarted() throws Exception {
    backend(4);
    long child = Long.parseLong(say("c1", "spawn"));
    ProcessHandle agent = backend.processOf("c1");
    ProcessHandle grandchild = ProcessHandle.of(child).orElseThrow();
    assertThat(agent.isAlive()).isTrue();
    assertThat(grandchild.isAlive()).isTrue();
    backend.conversationEnded("c1");
    await().atMost(Duration.ofSeconds(5)).until(() -> !agent.isAlive() && !grandchild.isAlive());
    assertThat(backend.liveCount()).isZero();
    assertThat(say("c1", "history")).isEqualTo("prompts seen: 1");
  }

  @Test
  void closeStopsEveryProcess() throws Exception {
    backend(4);
    say("c1", "echo a");
    long child = Long.parseLong(say("c2", "spawn"));
    ProcessHandle p1 = backend.processOf("c1");
    ProcessHandle p2 = backend.processOf("c2");
    ProcessHandle grandchild = ProcessHandle.of(child).orElseThrow();
    long t0 = System.nanoTime();
    backend.close();
    System.out.printf("ACP close of 2 agents took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(p1.isAlive()).isFalse();
    assertThat(p2.isAlive()).isFalse();
    await().atMost(Duration.ofSeconds(2)).until(() -> !grandchild.isAlive());
    assertThatThrownBy(() -> say("c1", "echo b")).isInstanceOf(AgentException.class);
  }

  @Test
  void maxProcessesStopsTheLeastRecentlyUsedIdleOne() throws Exception {
    backend(2);
    say("a", "echo 1");
    say("b", "echo 1");
    say("a", "echo 2");
    ProcessHandle b = backend.processOf("b");
    say("c", "echo 1");
    assertThat(backend.liveCount()).isEqualTo(2);
    assertThat(b.isAlive()).isFalse();
    assertThat(backend.processOf("b")).isNull();
    assertThat(say("a", "history")).isEqualTo("prompts seen: 3");
    assertThat(say("b", "history")).isEqualTo("prompts seen: 1");
  }

  @Test
  void maxProcessesRefusesWhenAllAreBusy() throws Exception {
    backend(1);
    Collector out = new Collector();
    TurnControl control = new TurnControl();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        backend.run(req("a", "slow 50"), out, control);
      } catch (Exception e) {
        failed.set(e);
      }
    });
    assertThat(out.firstDelta.await(20, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> say("b", "echo x"))
        .isInstanceOfSatisfying(
            AgentException.class, e -> assertThat(e.userMessage()).contains("busy"));
    control.cancel(TurnControl.Reason.USER_STOP);
    t.join(Duration.ofSeconds(5));
    assertThat(failed.get()).isNull();
  }

  @Test
  void unknownRequestsJunkAndUnknownUpdatesAreHandledSafely() throws Exception {
    backend(4);
    assertThat(say("c1", "call-unknown")).isEqualTo("error -32601");
    assertThat(say("c1", "junk")).isEqualTo("ok");
  }

  @Test
  void stopReasonsOtherThanEndTurnAreExplained() throws Exception {
    backend(4);
    assertThat(say("c1", "long"))
        .isEqualTo("partial\n\n(The agent stopped here: it reached its token limit.)");
    assertThat(say("c1", "refuse")).isEqualTo("(The agent declined to continue.)");
  }

  @Test
  void eachConversationHasItsOwnDirectory() throws Exception {
    backend(4);
    String reply = say("telegram:42", "cwd");
    Path dir = root.resolve(AcpBackend.safeName("telegram:42")).toRealPath();
    assertThat(reply).isEqualTo("session " + dir + " process " + dir);
  }
}

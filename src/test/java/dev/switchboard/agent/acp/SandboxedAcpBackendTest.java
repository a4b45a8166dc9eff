package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnAttachment;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.Sender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * AcpBackend running the real ACP test agent under bubblewrap: turns work through the sandbox,
 * the agent's exit code comes through it, and stopping a conversation or the backend leaves no
 * process of the sandbox behind (bubblewrap forwards no signal, so the agent is signalled
 * itself).
 */
@Timeout(60)
class SandboxedAcpBackendTest {
  private Path dir;
  private AcpBackend backend;

  @BeforeEach
  void setUp() throws IOException {
    Path bwrap = AcpBackendFactory.findProgram("bwrap", "/usr/local/bin:/usr/bin:/bin");
    assertThat(bwrap)
        .as("bubblewrap is not installed: run scripts/test-packages.sh (./run-tests does it)")
        .isNotNull();
    // Not under /tmp, which the sandbox replaces by its own.
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "acp-bwrap-")
        .toAbsolutePath();
    Path state = Files.createDirectories(dir.resolve("state"));
    backend = new AcpBackend(new AcpBackend.Settings(
        TestAgent.command(),
        dir.resolve("work"),
        4,
        Duration.ofSeconds(30),
        AgentEnvironment.of(System.getenv(), List.of()),
        new Bubblewrap(bwrap, List.of(state), List.of())));
  }

  @AfterEach
  void tearDown() throws IOException {
    backend.close();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private String say(String conversation, String text) throws Exception {
    TurnRequest req =
        new TurnRequest(conversation, ChatRef.of("test", conversation), new Sender("u", "U"), text);
    return backend.run(req, d -> {}, new TurnControl()).text();
  }

  @Test
  void aTurnRunsInTheSandboxInTheConversationsDirectory() throws Exception {
    assertThat(say("c1", "echo hello sandbox")).isEqualTo("hello sandbox");
    Path cwd = dir.resolve("work").resolve(AcpBackend.safeName("c1"));
    assertThat(say("c1", "cwd")).isEqualTo("session " + cwd + " process " + cwd);
    // A PID namespace of its own: the agent is the child of the sandbox's init.
    assertThat(say("c1", "pid")).isEqualTo("2");
  }

  // The attachment store is in the state directory, which the sandbox hides: the agent gets a
  // link to a copy in its own directory, the one place it can read and write.
  @Test
  void aFileFromTheHiddenStateDirectoryReachesTheAgentAsACopyItCanRead() throws Exception {
    Path stored = Files.writeString(
        Files.createDirectories(dir.resolve("state/attachments")).resolve("c0ffee"),
        "minutes of the meeting");
    TurnRequest req = new TurnRequest(
        "c1",
        ChatRef.of("test", "c1"),
        new Sender("u", "U"),
        "read-links",
        List.of(),
        null,
        Approver.DENY_ALL,
        List.of(new TurnAttachment(
            AttachmentKind.DOCUMENT, "text/plain", "minutes.txt", 22, stored, null)));

    String read = backend.run(req, d -> {}, new TurnControl()).text();

    Path copy =
        dir.resolve("work").resolve(AcpBackend.safeName("c1")).resolve("attachments/minutes.txt");
    assertThat(read).isEqualTo("read " + copy.toUri() + ": minutes of the meeting");
    assertThat(say("c1", "read " + stored)).isEqualTo("closed ENOENT " + stored);
  }

  @Test
  void theAgentsExitCodeComesThroughTheSandbox() throws Exception {
    say("c1", "echo up");
    assertThatThrownBy(() -> say("c1", "crash"))
        .isInstanceOfSatisfying(
            AgentException.class,
            e -> assertThat(e.userMessage()).startsWith("The agent process exited (code 3)"));
  }

  @Test
  void endingAConversationOrClosingLeavesNoProcessOfTheSandbox() throws Exception {
    say("c1", "spawn");
    say("c2", "spawn");
    List<ProcessHandle> first = sandbox("c1");
    List<ProcessHandle> second = sandbox("c2");
    // bubblewrap, the sandbox's init, the agent and the process it spawned
    assertThat(first).hasSize(4).allMatch(ProcessHandle::isAlive);

    backend.conversationEnded("c1");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> first.stream().noneMatch(ProcessHandle::isAlive));

    backend.close();
    // bubblewrap exits as soon as its init reports the agent's exit, a moment before the init
    // itself has exited; whoever reaps orphans (PID 1, a subreaper) takes that last step.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> second.stream().noneMatch(ProcessHandle::isAlive));
    assertThat(backend.liveCount()).isZero();
  }

  private List<ProcessHandle> sandbox(String conversation) {
    ProcessHandle bwrap = backend.processOf(conversation);
    assertThat(bwrap).isNotNull();
    return Stream.concat(Stream.of(bwrap), bwrap.descendants()).toList();
  }
}

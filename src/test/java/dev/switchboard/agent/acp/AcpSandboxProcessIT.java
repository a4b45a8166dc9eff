package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.http.LoginToken;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.loopback.LoopbackServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The built gateway running the ACP test agent, which tries every way an attacker's agent would
 * to get at the gateway's secrets (the {@code probe} command of src/test/acp-agent/agent.mjs):
 * the gateway's /proc files through its parent pid and its real pid, walking up from its
 * directory, the state directory by its absolute path, ~/.switchboard, the user's credentials
 * (~/.ssh, ~/.aws, ~/.netrc), its own environment, the gateway JVM's attach socket, a signal to
 * the gateway. The secrets: a Switchboard secret and a foreign token in the gateway's
 * environment, a key in {@code .env}, the login token in {@code web_token}, a line of
 * {@code switchboard.yaml}, a canary in each credentials file.
 *
 * <p>Without the sandbox the gateway runs as an unprivileged user (dropped to with setpriv when
 * the test runs as root), since root's CAP_SYS_PTRACE reads any /proc file whatever the
 * dumpable flag says: what must hold there is that the gateway's /proc files and the agent's
 * environment give nothing away (the non-dumpable gateway, the environment allowlist) and that
 * walking up from its directory finds nothing (the directory outside the state directory). The
 * state directory and the credentials read by their absolute paths do give the secrets away,
 * which the test checks too, so that it is known to see a secret when there is one to see.
 */
class AcpSandboxProcessIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** nobody on Debian. */
  private static final int UNPRIVILEGED = 65534;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Not under /tmp: the sandbox's own /tmp would hide it all and prove nothing. */
  private Path dir;

  private Path user;
  private Path home;
  private LoopbackServer chat;
  private ChildGateway gateway;
  private final Map<String, String> secrets = new HashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "acp-sandbox-")
        .toAbsolutePath();
    user = dir.resolve("user");
    home = user.resolve(".switchboard");
    Files.createDirectories(home);
    chat = new LoopbackServer();
    secrets.put("process environment, Switchboard's", "sk-proc-" + UUID.randomUUID());
    secrets.put("process environment, foreign", "ghp_proc" + UUID.randomUUID());
    secrets.put(".env", "apikey-dotenv-" + UUID.randomUUID());
    secrets.put("switchboard.yaml", "canary-yaml-" + UUID.randomUUID());
    Files.writeString(home.resolve(".env"), "API_SERVER_KEY=" + secrets.get(".env") + "\n");
    for (String file : List.of(".ssh/id_ed25519", ".aws/credentials", ".netrc")) {
      secrets.put(file, "user-secret-" + UUID.randomUUID());
      Files.createDirectories(user.resolve(file).getParent());
      Files.writeString(user.resolve(file), secrets.get(file) + "\n");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    chat.close();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aSandboxedAgentFindsNoSecret() throws Exception {
    Map<String, String> found = probe("on", List.of());

    assertNothingLeaks(found);
    assertThat(found)
        .allSatisfy((what, result) -> {
          if (reachableUnsandboxed(what)) {
            assertThat(result).as(what).startsWith("closed");
          }
        })
        .containsEntry("gateway-environ /proc/" + gateway.pid() + "/environ", "closed ENOENT")
        .containsEntry("attach-socket /tmp/.java_pid" + gateway.pid(), "closed ENOENT")
        .containsEntry("signal " + gateway.pid(), "closed ESRCH");
    assertTheAgentsAreReapedAtTheStop();
  }

  @Test
  void aSandboxedAgentOfAnUnprivilegedGatewayFindsNoSecret() throws Exception {
    Map<String, String> found = probe("on", unprivileged());

    assertNothingLeaks(found);
    assertThat(found)
        .allSatisfy((what, result) -> {
          if (reachableUnsandboxed(what)) {
            assertThat(result).as(what).startsWith("closed");
          }
        })
        .containsEntry("signal " + gateway.pid(), "closed ESRCH");
    assertTheAgentsAreReapedAtTheStop();
  }

  @Test
  void withoutTheSandboxTheGatewaysProcFilesAndTheEnvironmentStillHideTheSecrets()
      throws Exception {
    List<String> prefix = unprivileged();
    Map<String, String> found = probe("off", prefix);

    assertNothingLeaks(found);
    assertThat(found)
        .containsEntry("parent-environ /proc/" + gateway.pid() + "/environ", "closed EACCES")
        .containsEntry("gateway-environ /proc/" + gateway.pid() + "/environ", "closed EACCES")
        .containsEntry("gateway-maps /proc/" + gateway.pid() + "/maps", "closed EACCES")
        .containsEntry("gateway-mem /proc/" + gateway.pid() + "/mem", "closed EACCES")
        .containsEntry("state-dir " + home.resolve(".env"), "SECRET")
        .containsEntry("user-secret " + user.resolve(".ssh/id_ed25519"), "SECRET");
    // Non-dumpable does not take jcmd from the gateway's own user.
    List<String> jcmd = new ArrayList<>(prefix);
    jcmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(gateway.pid()),
        "Thread.print"));
    Process p = new ProcessBuilder(jcmd).redirectErrorStream(true).start();
    String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(dump).isZero();
    assertThat(dump).contains("Full thread dump");
    assertTheAgentsAreReapedAtTheStop();
  }

  /**
   * The files an unsandboxed agent of the gateway's user can read by their absolute paths: the
   * state directory and the user's credentials, which only the sandbox hides.
   */
  private static boolean reachableUnsandboxed(String what) {
    return what.startsWith("state-dir ")
        || what.startsWith("home ")
        || what.startsWith("user-secret ");
  }

  /** Nothing that should stay hidden whatever the sandbox says gave a secret away. */
  private void assertNothingLeaks(Map<String, String> found) {
    assertThat(found)
        .allSatisfy((what, result) -> {
          if (!reachableUnsandboxed(what)) {
            assertThat(result).as(what).isNotEqualTo("SECRET");
          }
        })
        .containsEntry("own-environment -", "clean")
        .containsKey("relative ../../.env")
        .containsKey("above-cwd " + user.getParent().resolve(".env"));
  }

  /**
   * Starts the gateway with {@code agent.acp.sandbox} as given, lets the agent probe, and
   * returns what it found: "what path" to "SECRET", "clean", "open" or "closed ERRNO".
   */
  private Map<String, String> probe(String sandbox, List<String> prefix) throws Exception {
    List<String> command = TestAgent.command();
    Files.writeString(
        home.resolve("switchboard.yaml"),
        "# " + secrets.get("switchboard.yaml") + "\n"
            + "auth:\n  allow_all_users: true\n"
            + "platforms:\n  loopback:\n    enabled: true\n    port: " + chat.port() + "\n"
            + "agent:\n  backend: acp\n  acp:\n    sandbox: " + sandbox + "\n    command: ["
            + String.join(", ", command.stream().map(c -> "'" + c + "'").toList()) + "]\n");
    if (!prefix.isEmpty()) {
      // The unprivileged user must reach its home through the test's private folder.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      UserPrincipal nobody = dir.getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(Integer.toString(UNPRIVILEGED));
      try (Stream<Path> all = Files.walk(user)) {
        for (Path p : all.toList()) {
          Files.setOwner(p, nobody);
        }
      }
    }
    Map<String, String> env = new HashMap<>();
    env.put("HOME", user.toString());
    env.put("OPENAI_API_KEY", secrets.get("process environment, Switchboard's"));
    env.put("GITHUB_TOKEN", secrets.get("process environment, foreign"));
    gateway = ChildGateway.run(home, env, prefix);
    gateway.awaitRunning();
    chat.awaitConnection(-1, WAIT);
    secrets.put("web_token", Files.readString(home.resolve(LoginToken.FILE)).strip());

    ObjectNode spec = JsonNodeFactory.instance
        .objectNode()
        .put("gateway", gateway.pid())
        .put("stateDir", home.toString());
    secrets.values().forEach(spec.putArray("secrets")::add);
    chat.send("ada", "probe " + JSON.writeValueAsString(spec));
    chat.awaitText("ada", "probe done", WAIT);
    // A long report comes in several messages.
    String report = String.join("\n", chat.texts("ada"));
    assertThat(report).doesNotContain(secrets.values().toArray(String[]::new));
    Map<String, String> found = new HashMap<>();
    for (String line : report.strip().split("\n")) {
      if (line.isBlank() || line.equals("probe done")) {
        continue;
      }
      List<String> words = Arrays.asList(line.split(" "));
      boolean closed = words.getFirst().equals("closed");
      String result = closed ? "closed " + words.get(1) : words.getFirst();
      found.put(String.join(" ", words.subList(closed ? 2 : 1, words.size())), result);
    }
    assertThat(found).as(report).containsKey("own-environment -");
    return found;
  }

  /** {@code setpriv} to an unprivileged user when the test runs as root; nothing otherwise. */
  private static List<String> unprivileged() throws IOException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    if (uid != 0) {
      return List.of();
    }
    return List.of(
        "setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED, "--clear-groups", "--");
  }

  /** SIGTERM ends the gateway with 0 and leaves no process it started (bwrap, agent) alive. */
  private void assertTheAgentsAreReapedAtTheStop() throws Exception {
    List<ProcessHandle> started =
        ProcessHandle.of(gateway.pid()).orElseThrow().descendants().toList();
    assertThat(started).isNotEmpty();
    gateway.signal("TERM");
    assertThat(gateway.awaitExit(WAIT)).as(gateway.output()).isZero();
    // bubblewrap exits as soon as its init reports the agent's exit, a moment before the init
    // itself has; whoever reaps orphans (PID 1, a subreaper) takes that last step.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
  }
}

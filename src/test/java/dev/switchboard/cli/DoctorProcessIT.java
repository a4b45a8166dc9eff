package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.platform.telegram.fake.FakeTelegramServer;
import dev.switchboard.store.Store;
import dev.switchboard.store.sqlite.SqliteStore;
import dev.switchboard.testing.ChildGateway;
import dev.switchboard.testing.ChildGateway.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard doctor} run as the built CLI against fake Telegram and OpenAI servers. */
class DoctorProcessIT {
  private static final String TOKEN = "4242:AAH-doctor-test-token_1234567890";
  private static final String KEY = "sk-doctor-test-key-0123456789abcdef";

  @TempDir
  Path dir;

  private Path home;
  private FakeTelegramServer telegram;
  private FakeOpenAiServer openai;

  @BeforeEach
  void setUp() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    telegram = FakeTelegramServer.start(TOKEN, "doctor_test_bot");
    openai = new FakeOpenAiServer().models("llama3.2", "qwen2.5").requireKey(KEY);
  }

  @AfterEach
  void tearDown() {
    telegram.close();
    openai.close();
  }

  private Map<String, String> env(Map<String, String> changes) {
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_HOME", home.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("xdg").toString());
    env.put("TELEGRAM_BOT_TOKEN", TOKEN);
    env.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    env.put("OPENAI_BASE_URL", openai.baseUrl());
    env.put("OPENAI_API_KEY", KEY);
    env.put("SWITCHBOARD_MODEL", "llama3.2");
    env.putAll(changes);
    return env;
  }

  private static Result doctor(Map<String, String> env) throws Exception {
    Result r = ChildGateway.cli(env, "doctor");
    assertThat(r.output()).doesNotContain(TOKEN).doesNotContain(KEY).doesNotContain("AAH-doctor");
    return r;
  }

  @Test
  void aHealthySetupIsAllOk() throws Exception {
    Result r = doctor(env(Map.of()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("ok    config           switchboard.yaml, .env and the environment are valid"
            + " (agent backend openai)")
        .contains("ok    state directory  " + home + " is rwx------ and writable")
        .contains("ok    gateway          not running; it has never run with this home")
        .contains("ok    telegram         the token works: bot @doctor_test_bot (id 4242),"
            + " polling mode, via 127.0.0.1")
        .contains("ok    web              web chat at http://127.0.0.1:")
        .contains("ok    agent            openai backend: http://127.0.0.1:")
        .contains("lists the model 'llama3.2'")
        .contains("0 warning(s), 0 failure(s).");
    assertThat(telegram.calls("getMe")).hasSize(1);
  }

  @Test
  void refusedCredentialsAndAMissingModelAreNamedWithTheirFix() throws Exception {
    Result r = doctor(env(Map.of(
        "TELEGRAM_BOT_TOKEN",
        "4242:AAH-some-other-token_0987654321",
        "OPENAI_API_KEY",
        "sk-wrong-key-0123456789abcdef0123")));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output())
        .contains("fail  telegram         the Bot API refused the token (401")
        .contains("fix: set platforms.telegram.bot_token (or TELEGRAM_BOT_TOKEN) to the token"
            + " @BotFather gave you")
        .contains("fail  agent            openai backend: http://127.0.0.1:")
        .contains("refused the key (HTTP 401)")
        .contains("2 failure(s)")
        .doesNotContain("AAH-some-other")
        .doesNotContain("sk-wrong-key");

    Result missing = doctor(env(Map.of("SWITCHBOARD_MODEL", "gpt-9")));
    assertThat(missing.exitCode()).as(missing.output()).isZero();
    assertThat(missing.output())
        .contains("warn  agent            openai backend:")
        .contains("does not list the model 'gpt-9' (2 others, such as llama3.2, qwen2.5)")
        .contains("fix: set agent.openai.model (or SWITCHBOARD_MODEL) to one of them");
  }

  @Test
  void unreachableServersFailWithWhereToLook() throws Exception {
    telegram.close();
    openai.close();
    Result r = doctor(env(Map.of()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output())
        .contains("fail  telegram         getMe via 127.0.0.1 failed:")
        .contains("fix: check this machine's network, DNS and proxy")
        .contains("fail  agent            openai backend: cannot reach http://127.0.0.1:")
        .contains("fix: start the server (for Ollama: ollama serve)");
  }

  @Test
  void theStoresSizeIsShownWithItsRetentionAndWarnedAboutAboveTheThreshold() throws Exception {
    try (Store store = SqliteStore.open(home.resolve("switchboard.db"), Clock.systemUTC())) {
      for (int i = 0; i < 300; i++) {
        store.conversations().append("telegram:1", 0, "user", "words ".repeat(1000));
      }
    }

    Result ok = doctor(env(Map.of()));
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output())
        .containsPattern("ok    store            \\d\\.\\d MiB on disk; retention: delivered"
            + " messages 7 days, transcripts 90 days, any number of lines per conversation");

    Result big = doctor(env(Map.of(
        "SWITCHBOARD_STORE_SIZE_WARNING_MB", "1", "SWITCHBOARD_RETENTION_TRANSCRIPTS", "720h")));
    assertThat(big.exitCode()).as("a warning, not a failure").isZero();
    assertThat(big.output())
        .containsPattern("warn  store            \\d\\.\\d MiB on disk, more than"
            + " store.size_warning_mb \\(1.0 MiB\\); retention: delivered messages 7 days,"
            + " transcripts 30 days, any number of lines per conversation")
        .contains("fix: keep less: lower store.retention.transcripts or"
            + " store.retention.delivered, or set store.retention.transcript_lines")
        .contains("1 warning(s), 0 failure(s).");
  }

  @Test
  void aBadConfigurationIsTheFirstFailureAndTheRestWaitsForIt() throws Exception {
    Files.writeString(home.resolve("switchboard.yaml"), "gateway:\n  drain_timeout: soon\n");
    Result r = doctor(env(Map.of()));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.output())
        .contains("fail  config           gateway.drain_timeout:")
        .contains("fix: correct gateway.drain_timeout; the gateway will not start (exit 78)")
        .contains("(the service, platform and agent checks need a valid configuration)");
    assertThat(telegram.calls("getMe")).isEmpty();
  }

  @Test
  void openPermissionsAndAKilledGatewayAreWarnings() throws Exception {
    try (ChildGateway gw = ChildGateway.run(home, Map.of())) {
      gw.awaitRunning();
      Result running = doctor(env(Map.of()));
      assertThat(running.output())
          .contains("ok    gateway          running (pid " + gw.pid() + ", running)")
          .contains(
              "ok    permissions      everything the gateway keeps in " + home + " is owner-only");
      // What an older version left behind, or a careless chmod: the next start would fix it.
      Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (String file : new String[] {"web_token", "switchboard.db", "logs/gateway.log"}) {
        Files.setPosixFilePermissions(
            home.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
      }
      gw.signal("KILL");
      gw.awaitExit(Duration.ofSeconds(5));
    }
    Result r = doctor(env(Map.of()));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("warn  state directory  " + home + " is rwxr-xr-x: other users can read")
        .contains("fix: chmod 700 " + home)
        .contains("warn  login token      " + home.resolve("web_token") + " is rw-r--r--")
        .contains("fix: chmod 600 " + home.resolve("web_token"))
        .contains("warn  permissions      " + home.resolve("switchboard.db")
            + " is rw-r--r--, not owner-only (rw-------)")
        .contains("fix: chmod 600 " + home.resolve("switchboard.db"))
        .contains("warn  permissions      " + home.resolve("logs/gateway.log")
            + " is rw-r--r--, not owner-only (rw-------)")
        .contains("fix: chmod 600 " + home.resolve("logs/gateway.log"))
        .contains("warn  gateway          The state file is stale");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .as("doctor changes nothing")
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void anInstalledUnitThatNoLongerMatchesTheConfigurationIsDrift() throws Exception {
    Map<String, String> env = env(Map.of());
    Result print = ChildGateway.cli(env, "install", "--print");
    assertThat(print.exitCode()).as(print.output()).isZero();
    Path unit = dir.resolve("xdg").resolve("systemd/user/switchboard.service");
    Files.createDirectories(unit.getParent());
    Files.writeString(unit, print.output());

    Result same = doctor(env);
    assertThat(same.output())
        .contains("ok    service          " + unit + " is what 'switchboard install' writes now");

    Files.writeString(home.resolve("switchboard.yaml"), "gateway:\n  drain_timeout: 5m\n");
    Result drifted = doctor(env);
    assertThat(drifted.output())
        .contains("warn  service          " + unit + " differs from"
            + " what 'switchboard install' would write now")
        .contains("- TimeoutStopSec=90s")
        .contains("+ TimeoutStopSec=330s")
        .contains("fix: switchboard install --home " + home);
  }

  @Test
  void theAcpAgentProgramMustBeFound() throws Exception {
    Result missing = doctor(env(Map.of(
        "SWITCHBOARD_BACKEND", "acp", "SWITCHBOARD_ACP_COMMAND", "no-such-agent-program --acp")));
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.output())
        .contains("fail  agent            agent.acp.command: program"
            + " 'no-such-agent-program' not found on PATH")
        .contains("fix: correct agent.acp.command");

    Result found =
        doctor(env(Map.of("SWITCHBOARD_BACKEND", "acp", "SWITCHBOARD_ACP_COMMAND", "/bin/cat")));
    assertThat(found.output())
        .contains("ok    agent            acp backend: agent program" + " /bin/cat found");
  }

  @Test
  void theDiscordTokenIsCheckedWithUsersMe() throws Exception {
    String discordToken = "MTA5.doctor-discord-token.abcdef";
    try (var discord = new dev.switchboard.platform.discord.fake.FakeDiscordServer(discordToken)) {
      Map<String, String> base = new HashMap<>(env(Map.of()));
      base.remove("TELEGRAM_BOT_TOKEN");
      base.put("DISCORD_API_BASE_URL", discord.apiBase().toString());
      base.put("DISCORD_BOT_TOKEN", discordToken);
      Result ok = doctor(base);
      assertThat(ok.output())
          .contains("ok    discord          the token works: bot switchboard" + " (id "
              + dev.switchboard.platform.discord.fake.FakeDiscordServer.BOT_ID + ")")
          .doesNotContain("doctor-discord-token");
      base.put("DISCORD_BOT_TOKEN", "MTA5.wrong-discord-token.abcdef");
      Result refused = doctor(base);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output())
          .contains("fail  discord          GET /users/@me: HTTP 401")
          .contains("fix: set platforms.discord.bot_token (or DISCORD_BOT_TOKEN)")
          .doesNotContain("wrong-discord-token");
    }
  }

  @Test
  void theSlackBotTokenIsCheckedWithAuthTest() throws Exception {
    String bot = "xoxb-1111-2222-doctorslack";
    String app = "xapp-1-A1-3333-doctorslack";
    try (var slack = new dev.switchboard.platform.slack.fake.FakeSlackServer(bot, app)) {
      Map<String, String> base = new HashMap<>(env(Map.of()));
      base.remove("TELEGRAM_BOT_TOKEN");
      base.put("SLACK_API_BASE_URL", slack.apiBase());
      base.put("SLACK_BOT_TOKEN", bot);
      base.put("SLACK_APP_TOKEN", app);
      Result ok = doctor(base);
      assertThat(ok.output())
          .contains("ok    slack            the bot token works: switchboard"
              + " (UBOT0001) in Fake Team")
          .doesNotContain("doctorslack");
      base.put("SLACK_BOT_TOKEN", "xoxb-1111-2222-wrongslack");
      Result refused = doctor(base);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output())
          .contains("fail  slack            auth.test: invalid_auth")
          .contains("fix: set platforms.slack.bot_token (or SLACK_BOT_TOKEN)")
          .doesNotContain("wrongslack");
    }
  }

  @Test
  void theMattermostTokenIsCheckedWithUsersMe() throws Exception {
    String token = "doctormattermost0000000001";
    try (var mattermost =
        new dev.switchboard.platform.mattermost.fake.FakeMattermostServer(token)) {
      Map<String, String> base = new HashMap<>(env(Map.of()));
      base.remove("TELEGRAM_BOT_TOKEN");
      base.put("MATTERMOST_URL", mattermost.url());
      base.put("MATTERMOST_TOKEN", token);
      Result ok = doctor(base);
      assertThat(ok.output())
          .contains("ok    mattermost       the token works: @switchboard (id "
              + dev.switchboard.platform.mattermost.fake.FakeMattermostServer.BOT_ID + ") on "
              + mattermost.url())
          .doesNotContain(token);
      base.put("MATTERMOST_TOKEN", "wrongmattermost00000000001");
      Result refused = doctor(base);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output())
          .contains("fail  mattermost       GET /users/me: HTTP 401"
              + " api.context.session_expired.app_error")
          .contains("fix: set platforms.mattermost.token (or MATTERMOST_TOKEN)")
          .doesNotContain("wrongmattermost");
    }
  }

  @Test
  void theMatrixTokenIsCheckedWithWhoamiAndEncryptedRoomsAreCounted() throws Exception {
    String token = "syt_doctor_matrix_0001";
    try (var matrix = new dev.switchboard.platform.matrix.fake.FakeMatrixServer(token)) {
      String room = matrix.directRoom("@bob:example.org");
      matrix.encrypt(room);
      matrix.directRoom("@ada:example.org");
      Map<String, String> base = new HashMap<>(env(Map.of()));
      base.remove("TELEGRAM_BOT_TOKEN");
      base.put("MATRIX_HOMESERVER", matrix.url());
      base.put("MATRIX_ACCESS_TOKEN", token);
      Result ok = doctor(base);
      assertThat(ok.output())
          .contains("ok    matrix           the token works: @switchboard:example.org on "
              + matrix.url() + " (end-to-end encrypted rooms are not supported)")
          .contains("warn  matrix           1 of the bot's rooms are end-to-end encrypted")
          .doesNotContain(token);
      base.put("MATRIX_ACCESS_TOKEN", "syt_wrong_matrix_0001");
      Result refused = doctor(base);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output())
          .contains("fail  matrix           GET /_matrix/client/v3/account/whoami: HTTP 401"
              + " M_UNKNOWN_TOKEN")
          .contains("fix: set platforms.matrix.access_token (or MATRIX_ACCESS_TOKEN)")
          .doesNotContain("syt_wrong");
    }
  }

  @Test
  void theMailboxIsCheckedByLoggingInToImapAndSmtp() throws Exception {
    try (var mail = new dev.switchboard.platform.email.MailServer()) {
      Map<String, String> base = new HashMap<>(env(Map.of()));
      base.remove("TELEGRAM_BOT_TOKEN");
      base.putAll(mail.env(mail.imapPort()));
      Result ok = doctor(base);
      assertThat(ok.output())
          .contains("ok    email            IMAP: logged in as bot@example.org on 127.0.0.1:"
              + mail.imapPort() + " (none); INBOX holds 0 mails; new mail arrives at once (IDLE)")
          .contains("ok    email            SMTP: 127.0.0.1:" + mail.smtpPort()
              + " (none) accepted the login of bot@example.org")
          .doesNotContain("not encrypted")
          .doesNotContain(dev.switchboard.platform.email.MailServer.PASSWORD);
      base.put("EMAIL_PASSWORD", "wrong-mail-password-77");
      Result refused = doctor(base);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.output())
          .contains("fail  email            IMAP: the IMAP server 127.0.0.1 refused the login of"
              + " bot@example.org")
          .contains("fix: set platforms.email.password (or EMAIL_PASSWORD)")
          .doesNotContain("wrong-mail-password");
    }
  }
}

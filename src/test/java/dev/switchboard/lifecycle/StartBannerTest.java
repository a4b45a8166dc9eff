package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.http.LoginToken;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The login token is shown once, on a terminal, and never where output is kept. */
class StartBannerTest {
  @TempDir
  Path home;

  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private final InetSocketAddress at = new InetSocketAddress("127.0.0.1", 8642);
  private Logger logger;
  private ListAppender<ILoggingEvent> logged;
  private Level previousLevel;

  @BeforeEach
  void captureLog() {
    logger = (Logger) LoggerFactory.getLogger(StartBanner.class);
    previousLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
    logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
    logger.setLevel(previousLevel);
  }

  private String log() {
    return String.join(
        "\n", logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  private String printed() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aNewTokenIsPrintedOnATerminalAndNeverLogged() throws Exception {
    LoginToken token = LoginToken.loadOrCreate(home);
    StartBanner.listening(at, true, token, out, true);
    assertThat(printed())
        .contains("http://127.0.0.1:8642/#token=" + token.reveal())
        .contains("kept in " + token.file());
    assertThat(log()).doesNotContain(token.reveal()).contains(token.file().toString());
  }

  @Test
  void aNewTokenIsNotPrintedWhereOutputIsKeptButTheLogSaysWhereItIs() throws Exception {
    LoginToken token = LoginToken.loadOrCreate(home);
    StartBanner.listening(at, true, token, out, false);
    assertThat(printed()).isEmpty();
    assertThat(log())
        .doesNotContain(token.reveal())
        .contains("not printed because this output is not a terminal")
        .contains("cat " + token.file())
        .contains("http://127.0.0.1:8642/#token=<the token>");
  }

  @Test
  void aTokenFromAnEarlierStartIsNotShownAgain() throws Exception {
    LoginToken.loadOrCreate(home);
    LoginToken again = LoginToken.loadOrCreate(home);
    StartBanner.listening(at, false, again, out, true);
    assertThat(printed()).isEmpty();
    assertThat(log()).doesNotContain(again.reveal()).contains(again.file().toString());
  }

  @Test
  void theSummaryCountsWhatIsConnectedNow() {
    Instant t = Instant.parse("2026-12-03T09:00:00Z");
    Map<String, GatewayState.PlatformStatus> platforms = Map.of(
        "web",
        new GatewayState.PlatformStatus("connected", null, t),
        "telegram",
        new GatewayState.PlatformStatus("connecting", "waiting for the first getUpdates", t),
        "discord",
        new GatewayState.PlatformStatus("connected", null, t));

    assertThat(StartBanner.summary(platforms))
        .isEqualTo("2 of 3 platform(s) connected; telegram connecting (waiting for the first"
            + " getUpdates)");
    assertThat(StartBanner.summary(Map.of("web", platforms.get("web"))))
        .isEqualTo("1 of 1 platform(s) connected");
    assertThat(StartBanner.summary(Map.of())).isEqualTo("0 of 0 platform(s) connected");
  }
}

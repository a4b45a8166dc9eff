package dev.switchboard.lifecycle;

import dev.switchboard.http.LoginToken;
import dev.switchboard.platform.PlatformState;
import java.io.Console;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the start tells the person watching the log: who starts, where to look, what runs. */
final class StartBanner {
  private static final Logger log = LoggerFactory.getLogger(StartBanner.class);

  private StartBanner() {}

  static void starting(GatewayAssembly parts) {
    log.info(
        "Switchboard {} starting: pid {}, home {}, service manager {}, agent {}",
        parts.version,
        ProcessHandle.current().pid(),
        parts.home,
        parts.serviceManager.label(),
        parts.backend.describe());
    if (parts.authorizer.policy().nobodyConfigured()) {
      log.warn("no user is allowed yet: unknown users get a pairing code in private chats (see"
          + " 'switchboard pairing'); set allowed users, or auth.allow_all_users, to change"
          + " that");
    }
  }

  /** Where the pages are, and the login token the first time it exists. */
  static void listening(InetSocketAddress at, boolean webChat, @Nullable LoginToken loginToken) {
    listening(at, webChat, loginToken, System.out, outputIsATerminal());
  }

  /**
   * @param out where a new login token is shown, only when it is a {@code terminal}: anything
   *     else (the console.log of a detached start, the journal under systemd, a container's
   *     log) keeps what it is given, and the token is a secret
   */
  static void listening(
      InetSocketAddress at,
      boolean webChat,
      @Nullable LoginToken loginToken,
      PrintStream out,
      boolean terminal) {
    String address = address(at);
    String base = "http://" + address + "/";
    if (loginToken == null) {
      log.info(
          "{}admin page at {}admin, health at {}health (no login: http.auth is false)",
          webChat ? "web chat at " + base + ", " : "",
          base,
          base);
      return;
    }
    log.info(
        "{}admin page at {}admin, health at {}health; the login token is in {}",
        webChat ? "web chat at " + base + ", " : "",
        base,
        base,
        loginToken.where());
    if (!loginToken.createdNow()) {
      return;
    }
    if (terminal) {
      // Printed once, to the terminal and not through the log: it is a secret.
      out.println("\nSwitchboard " + (webChat ? "web chat" : "admin page") + ": "
          + base + (webChat ? "" : "admin") + "#token=" + loginToken.reveal()
          + "\nLogin token (shown only this once; kept in " + loginToken.file() + "): "
          + loginToken.reveal() + "\n");
      out.flush();
    } else {
      log.info(
          "a new login token was made; it is not printed because this output is not a"
              + " terminal and may be kept: read it with 'cat {}', then open {}{}#token=<the token>",
          loginToken.file(),
          base,
          webChat ? "" : "admin");
    }
  }

  // Since JDK 22 there is a Console whatever the output is; isTerminal() tells a real one.
  private static boolean outputIsATerminal() {
    return Optional.ofNullable(System.console()).map(Console::isTerminal).orElse(false);
  }

  /** host:port as a URL needs it: an IPv6 literal in brackets. */
  static String address(InetSocketAddress at) {
    return at.getAddress() instanceof Inet6Address
        ? "[" + at.getHostString() + "]:" + at.getPort()
        : at.getHostString() + ":" + at.getPort();
  }

  /**
   * "2 of 3 platform(s) connected; telegram connecting (waiting for the first getUpdates)": the
   * count is of what is connected now, and every other platform is named with its state and
   * why, so the line never contradicts the platforms' own "connected" lines above it.
   */
  static String summary(Map<String, GatewayState.PlatformStatus> platforms) {
    long connected = platforms.values().stream()
        .filter(p -> PlatformState.CONNECTED.label().equals(p.state()))
        .count();
    StringBuilder line = new StringBuilder()
        .append(connected)
        .append(" of ")
        .append(platforms.size())
        .append(" platform(s) connected");
    String others = new TreeMap<>(platforms)
        .entrySet().stream()
            .filter(e -> !PlatformState.CONNECTED.label().equals(e.getValue().state()))
            .map(e -> e.getKey() + " " + e.getValue().state()
                + (e.getValue().lastError() == null ? "" : " (" + e.getValue().lastError() + ")"))
            .collect(Collectors.joining(", "));
    if (!others.isEmpty()) {
      line.append("; ").append(others);
    }
    return line.toString();
  }

  static void running(String summary, boolean noPlatform) {
    if (noPlatform) {
      log.warn("Switchboard is running, but no chat platform is enabled, so it has nothing to"
          + " talk to yet. Set TELEGRAM_BOT_TOKEN to connect a Telegram bot (README.md, \"Quick"
          + " start with Telegram\").");
    } else {
      log.info("Switchboard is running: {}", summary);
    }
  }
}

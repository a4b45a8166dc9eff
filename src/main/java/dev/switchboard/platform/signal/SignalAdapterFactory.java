package dev.switchboard.platform.signal;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformAdapterFactory;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The {@code signal} platform: on when an account is set, unless turned off explicitly. */
public final class SignalAdapterFactory implements PlatformAdapterFactory {
  private static final Duration DOCTOR_CALL = Duration.ofSeconds(10);

  @Override
  public String name() {
    return SignalAdapter.PLATFORM;
  }

  @Override
  public ConfigKey<Boolean> enabledKey() {
    return SignalSettings.ENABLED;
  }

  @Override
  public List<ConfigKey<?>> credentialKeys() {
    return List.of(SignalSettings.ACCOUNT);
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    List<ConfigKey<?>> keys = new ArrayList<>(SignalSettings.keys());
    keys.addAll(SignalCliSettings.keys());
    return List.copyOf(keys);
  }

  /**
   * With {@code cli_path} set, the adapter starts signal-cli as its child and talks to it on
   * the child's own address; otherwise to the daemon at {@code url}.
   */
  @Override
  public PlatformAdapter create(Config config, Path home) {
    SignalSettings settings = SignalSettings.from(config);
    SignalCliSettings cli = SignalCliSettings.from(config);
    if (!cli.startsChild()) {
      return new SignalAdapter(
          settings, settings.url(), gatewayWide(config), Clock.systemUTC(), null);
    }
    SignalCliProcess child = new SignalCliProcess(cli, config.schema()::secretVariable);
    return new SignalAdapter(
        settings, child.baseUrl(), gatewayWide(config), Clock.systemUTC(), child);
  }

  /**
   * Numbers and UUIDs that auth.allowed_users and auth.admin_users allow on Signal ({@code
   * signal:+14155550123}, or a bare entry for any platform), so that a sender they name by
   * number is known by the number.
   */
  static Set<String> gatewayWide(Config config) {
    Set<String> out = new HashSet<>();
    List<String> entries = new ArrayList<>(config.get(CoreKeys.ALLOWED_USERS));
    entries.addAll(config.get(CoreKeys.ADMIN_USERS));
    for (String raw : entries) {
      String e = raw.strip();
      String prefix = SignalAdapter.PLATFORM + ":";
      if (e.startsWith(prefix)) {
        e = e.substring(prefix.length()).strip();
      }
      if (SignalSettings.E164.matcher(e).matches()) {
        out.add(e);
      } else if (SignalSettings.UUID.matcher(e).matches()) {
        out.add(e.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /**
   * GET /api/v1/check (the daemon runs), version (it speaks JSON-RPC), and listAccounts (the
   * account is registered in it): read-only calls, 10 s each at most.
   */
  @Override
  public List<Finding> diagnose(Config config, Path home) throws InterruptedException {
    SignalSettings settings = SignalSettings.from(config);
    SignalCliSettings cli = SignalCliSettings.from(config);
    if (cli.startsChild()) {
      return List.of(SignalCliCheck.run(cli, config.schema()::secretVariable));
    }
    URI daemon = settings.url();
    List<Finding> findings = new ArrayList<>();
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(DOCTOR_CALL).build()) {
      try {
        int status = http.send(
                HttpRequest.newBuilder(URI.create(daemon + "/api/v1/check"))
                    .timeout(DOCTOR_CALL)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.discarding())
            .statusCode();
        if (status != 200) {
          return List.of(Finding.fail(
              name(),
              "GET " + daemon + "/api/v1/check answered HTTP " + status,
              "point " + SignalSettings.URL.where() + " at signal-cli daemon --http HOST:PORT"));
        }
      } catch (IOException e) {
        return List.of(Finding.fail(
            name(),
            "signal-cli is not answering at " + daemon + " (" + e.getClass().getSimpleName() + ")",
            "start it: signal-cli -a " + settings.account() + " daemon --http "
                + daemon.getHost() + ":" + (daemon.getPort() < 0 ? 80 : daemon.getPort())
                + " --receive-mode=on-connection, or set " + SignalSettings.URL.where()));
      }
      SignalRpc rpc = new SignalRpc(http, daemon, settings.account());
      try {
        JsonNode version = rpc.call("version", rpc.params(), DOCTOR_CALL, false);
        findings.add(Finding.ok(
            name(),
            "signal-cli " + version.path("version").asString("?") + " answers at " + daemon));
      } catch (PlatformException e) {
        return List.of(Finding.fail(
            name(), String.valueOf(e.getMessage()), "check that " + daemon + " is signal-cli"));
      }
      findings.add(account(rpc, settings));
    }
    return findings;
  }

  private Finding account(SignalRpc rpc, SignalSettings settings) throws InterruptedException {
    String fix = "register or link " + settings.account()
        + " in signal-cli (docs/platforms/signal.md), or fix " + SignalSettings.ACCOUNT.where();
    try {
      JsonNode accounts = rpc.call("listAccounts", rpc.params(), DOCTOR_CALL, false);
      if (lists(accounts, settings.account())) {
        return Finding.ok(name(), "the account " + settings.account() + " is registered");
      }
      return Finding.fail(name(), "signal-cli has no account " + settings.account(), fix);
    } catch (SignalRpc.Failed e) {
      if (e.error().code() == RpcError.METHOD_NOT_FOUND) {
        // A daemon started with -a serves that one account and has no listAccounts.
        return Finding.warn(
            name(),
            "signal-cli serves a single account and cannot list it; make sure it was started"
                + " with -a " + settings.account(),
            "start it with -a " + settings.account() + ", or without -a to let it be checked");
      }
      return Finding.fail(name(), String.valueOf(e.getMessage()), fix);
    } catch (PlatformException e) {
      return Finding.fail(name(), String.valueOf(e.getMessage()), fix);
    }
  }

  /** Whether listAccounts' result ({@code [{"number":"+…"}]}) has {@code account}. */
  static boolean lists(JsonNode accounts, String account) {
    for (JsonNode a : accounts) {
      String number = a.isString() ? a.asString() : a.path("number").asString("");
      if (account.equals(number)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> allowedUsers(Config config) {
    return config.get(SignalSettings.ALLOWED_USERS).stream()
        .map(SignalAdapterFactory::id)
        .toList();
  }

  @Override
  public List<String> adminUsers(Config config) {
    return config.get(SignalSettings.ADMIN_USERS).stream()
        .map(SignalAdapterFactory::id)
        .toList();
  }

  /** As the adapter names senders: UUIDs in lower case, numbers as they are. */
  private static String id(String raw) {
    String s = raw.strip();
    return SignalSettings.UUID.matcher(s).matches() ? s.toLowerCase(Locale.ROOT) : s;
  }
}

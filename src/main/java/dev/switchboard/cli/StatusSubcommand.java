package dev.switchboard.cli;

import dev.switchboard.common.Json;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.GatewayState;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.service.InstalledUnit;
import dev.switchboard.service.ServiceInstaller;
import dev.switchboard.store.Leases;
import dev.switchboard.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code switchboard status}: the lock and the state file, with a clear word when they disagree. */
@Command(
    name = "status",
    description = {
      "Show whether the gateway runs and what it is doing.",
      "Exit code 0 when it is running, 3 when it is not."
    })
final class StatusSubcommand implements Callable<Integer> {
  static final int NOT_RUNNING = 3;
  /**
   * The lease of the active gateway, and the prefix of every gateway's presence lease, as the
   * gateway (lifecycle.GatewayLease) names them in the database.
   */
  private static final String ACTIVE_LEASE = "gateway";

  private static final String PRESENCE_PREFIX = "instance:";

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Option(names = "--json", description = "Print JSON for programs instead of text.")
  boolean json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    SwitchboardCommand.exitOnSignals(root.signals());
    PrintWriter out = spec.commandLine().getOut();
    Path home = homeOption.resolve(root.env());
    GatewayProcess gw = GatewayProcess.look(home);
    Optional<InstalledUnit> unit = root.installedUnit(home);
    StoreSize store = StoreSize.read(home, root.env());
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("home", home.toString());
      doc.put("store_bytes", store.bytes());
      doc.put("leases", store.leases().stream().map(StatusSubcommand::leaseJson).toList());
      doc.put("running", gw.running());
      doc.put(
          "pid", gw.running() && gw.lock().pid().isPresent() ? gw.lock().pid().getAsLong() : null);
      doc.put("stale", gw.stale());
      doc.put("state", gw.state().orElse(null));
      doc.put("service", unit.map(StatusSubcommand::serviceJson).orElse(null));
      out.println(Json.mapper().writeValueAsString(doc));
    } else {
      printHuman(out, home, gw, store);
      printLeases(out, store.leases());
      unit.ifPresent(u -> printService(out, u, gw));
    }
    return gw.running() ? 0 : NOT_RUNNING;
  }

  private static void printHuman(PrintWriter out, Path home, GatewayProcess gw, StoreSize store) {
    GatewayState s = gw.state().orElse(null);
    if (gw.running()) {
      String pid = gw.lock().pid().isPresent() ? Long.toString(gw.lock().pid().getAsLong()) : "?";
      out.println("Switchboard is running (pid " + pid + ").");
    } else {
      out.println("Switchboard is not running.");
    }
    out.println("  home:             " + home);
    out.println("  store:            " + store.describe());
    if (s == null) {
      out.println("  state file:       none (it has never run with this home)");
      return;
    }
    boolean current =
        gw.running() && gw.lock().pid().isPresent() && gw.lock().pid().getAsLong() == s.pid();
    out.println(
        "  state:            " + s.state() + (current ? "" : " (recorded by pid " + s.pid() + ")"));
    if (current && s.startedAt() != null) {
      out.println("  up:               " + human(Duration.between(s.startedAt(), Instant.now())));
    }
    out.println("  version:          " + s.version());
    out.println("  service manager:  " + (s.serviceManager() == null ? "-" : s.serviceManager()));
    out.println("  active turns:     " + s.activeTurns());
    if (current && s.http() != null) {
      out.println("  health:           http://" + s.http() + "/health");
    }
    if (s.crashLoop() != null) {
      GatewayState.CrashLoop loop = s.crashLoop();
      boolean waiting = current && loop.connectAt().isAfter(Instant.now());
      out.println("  crash loop:       start " + loop.unplannedStarts() + " after an unplanned"
          + " end within " + human(Duration.ofSeconds(loop.windowSeconds())) + "; platforms "
          + (waiting ? "connect at " : "held back until ") + loop.connectAt() + " ("
          + loop.delaySeconds() + " s)");
      out.println("  last unplanned:   " + loop.lastEnd());
    }
    if (s.exitCode() != null) {
      out.println("  exit code:        " + s.exitCode()
          + (s.exitReason() == null ? "" : " (" + s.exitReason() + ")")
          + (s.restartRequested() ? ", restart requested" : ""));
    }
    if (s.platforms().isEmpty()) {
      out.println("  platforms:        none enabled");
    } else {
      s.platforms()
          .forEach((name, p) -> out.println("  platform " + pad(name) + p.state()
              + (p.lastError() == null ? "" : " - " + p.lastError())
              + (p.nextAttempt() == null || !current
                  ? ""
                  : "; next attempt at " + p.nextAttempt())));
    }
    out.println("  updated:          " + s.updatedAt());
    if (gw.stale()) {
      out.println();
      out.println(gw.staleExplanation());
    }
  }

  /**
   * On a shared database: the gateways on it (each holds a presence lease while it runs) and
   * which one is active (the holder of the lease "gateway"), with how fresh that lease is. It is
   * renewed every third of its time to live, so one that lapsed means the active gateway is gone
   * and a standby is about to take over.
   */
  private static void printLeases(PrintWriter out, List<Leases.Lease> leases) {
    if (leases.isEmpty()) {
      return;
    }
    Instant now = Instant.now();
    Optional<Leases.Lease> active =
        leases.stream().filter(l -> l.name().equals(ACTIVE_LEASE)).findFirst();
    List<String> present = leases.stream()
        .filter(l -> l.name().startsWith(PRESENCE_PREFIX) && l.expiresAt().isAfter(now))
        .map(Leases.Lease::holder)
        .sorted()
        .toList();
    out.println("  gateways on the database: " + present.size());
    boolean someoneActive = active.isPresent() && active.get().expiresAt().isAfter(now);
    for (String holder : present) {
      boolean isActive = someoneActive && active.get().holder().equals(holder);
      out.println("    " + holder + "  " + (isActive ? "active" : "standing by"));
    }
    active.ifPresent(l -> out.println("  lease " + pad(l.name())
        + (someoneActive ? "held by " : "lapsed, last held by ") + l.holder() + " (token "
        + l.token() + ", "
        + (someoneActive
            ? "lapses in " + Duration.between(now, l.expiresAt()).toMillis() + " ms unless renewed"
            : "lapsed " + human(Duration.between(l.expiresAt(), now)) + " ago")
        + ")"));
  }

  private static Map<String, Object> leaseJson(Leases.Lease l) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", l.name());
    doc.put("holder", l.holder());
    doc.put("token", l.token());
    doc.put("expires_at", l.expiresAt().toString());
    doc.put("held", l.expiresAt().isAfter(Instant.now()));
    return doc;
  }

  /** The store's size on disk, or why it is not known; and its leases when it is shared. */
  private record StoreSize(@Nullable Long bytes, String unknownBecause, List<Leases.Lease> leases) {
    static StoreSize read(Path home, Map<String, String> env) {
      PluginCatalog catalog = PluginCatalog.discover();
      try {
        Config config = new ConfigLoader(catalog.schema()).load(home, env);
        long bytes = catalog.storeBytes(home, config);
        return new StoreSize(bytes, "", catalog.sharedLeases(home, config));
      } catch (ConfigException e) {
        return new StoreSize(
            null, "the configuration is invalid (switchboard doctor says why)", List.of());
      } catch (UncheckedIOException | StoreException e) {
        return new StoreSize(null, String.valueOf(e.getMessage()), List.of());
      }
    }

    String describe() {
      return bytes == null
          ? "size unknown: " + unknownBecause
          : StoreDiagnosis.human(bytes) + " on disk";
    }
  }

  private static Map<String, Object> serviceJson(InstalledUnit u) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("manager", "systemd");
    doc.put("scope", u.scope().name().toLowerCase(Locale.ROOT));
    doc.put("unit_file", u.file().toString());
    doc.put("active_state", u.properties().get("ActiveState"));
    doc.put("sub_state", u.properties().get("SubState"));
    doc.put("main_pid", u.properties().get("MainPID"));
    doc.put("restarts", u.properties().get("NRestarts"));
    doc.put("result", u.properties().get("Result"));
    doc.put("exec_main_status", u.properties().get("ExecMainStatus"));
    doc.put("error", u.error());
    return doc;
  }

  /** systemd's view, next to ours, and a word when the two disagree about the process. */
  private static void printService(PrintWriter out, InstalledUnit u, GatewayProcess gw) {
    out.println("  systemd (" + u.scope().name().toLowerCase(Locale.ROOT) + "):"
        + " ".repeat(u.scope() == ServiceInstaller.Scope.USER ? 4 : 2) + u.summary());
    out.println("  unit file:        " + u.file());
    String mainPid = u.properties().get("MainPID");
    if (gw.running()
        && gw.lock().pid().isPresent()
        && mainPid != null
        && !mainPid.equals("0")
        && !mainPid.equals(Long.toString(gw.lock().pid().getAsLong()))) {
      out.println("  note: systemd's main process (" + mainPid + ") is not the gateway holding"
          + " the lock (" + gw.lock().pid().getAsLong() + "): a gateway runs outside the unit");
    }
  }

  private static String pad(String name) {
    String label = name + ":";
    return label + " ".repeat(Math.max(1, 9 - label.length()));
  }

  private static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return s >= 3600 ? s / 3600 + "h " + s % 3600 / 60 + "m" : s / 60 + "m " + s % 60 + "s";
  }
}

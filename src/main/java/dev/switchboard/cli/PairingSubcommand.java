package dev.switchboard.cli;

import dev.switchboard.auth.Pairing;
import dev.switchboard.auth.PairingCodes;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.Gateway;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard pairing}: approve the users who asked for access with a pairing code,
 * list them, revoke them. Works on the store directly, while the gateway runs or not; the
 * gateway reads approvals on every message, so they take effect at once.
 */
@Command(
    name = "pairing",
    description = "Approve, list or revoke users who paired with a code.",
    subcommands = {
      PairingSubcommand.ListCodes.class,
      PairingSubcommand.Approve.class,
      PairingSubcommand.Revoke.class
    })
final class PairingSubcommand implements Runnable {
  @ParentCommand
  SwitchboardCommand root;

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Opens the store as the gateway would (same config, same file). */
  static Store openStore(SwitchboardCommand root, HomeOption homeOption) throws IOException {
    Path home = homeOption.resolve(root.env());
    Gateway.prepareHome(home);
    PluginCatalog catalog = PluginCatalog.discover();
    Config config = new ConfigLoader(catalog.schema()).load(home, root.env());
    return catalog.openStore(home, config, Clock.systemUTC());
  }

  @Command(name = "list", description = "Show waiting codes and approved users.")
  static final class ListCodes implements Callable<Integer> {
    @ParentCommand
    PairingSubcommand pairing;

    @Mixin
    HomeOption homeOption;

    @Spec
    CommandSpec spec;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "PLATFORM",
        defaultValue = "telegram",
        description = "Platform (default: telegram).")
    String platform;

    @Override
    public Integer call() throws IOException {
      SwitchboardCommand.exitOnSignals(pairing.root.signals());
      PrintWriter out = spec.commandLine().getOut();
      try (Store store = openStore(pairing.root, homeOption)) {
        Instant now = Instant.now();
        var pending = store.pairings().pending(platform, now);
        out.println("Waiting codes on " + platform + ": " + (pending.isEmpty() ? "none" : ""));
        for (Pairings.Code c : pending) {
          out.println("  " + c.code() + "  user " + c.userId() + " (" + c.displayName()
              + "), expires in " + Duration.between(now, c.expiresAt()).toMinutes() + " min");
        }
        var approved = store.pairings().approvals(platform);
        out.println("Approved users on " + platform + ": " + (approved.isEmpty() ? "none" : ""));
        for (Pairings.Approval a : approved) {
          out.println(
              "  user " + a.userId() + " (" + a.displayName() + "), since " + a.approvedAt());
        }
      }
      return CliExit.OK;
    }
  }

  @Command(name = "approve", description = "Let the user who received CODE in.")
  static final class Approve implements Callable<Integer> {
    @ParentCommand
    PairingSubcommand pairing;

    @Mixin
    HomeOption homeOption;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLATFORM")
    String platform;

    @Parameters(index = "1", paramLabel = "CODE")
    String code;

    @Override
    public Integer call() throws IOException {
      SwitchboardCommand.exitOnSignals(pairing.root.signals());
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (Store store = openStore(pairing.root, homeOption)) {
        Pairing service =
            new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), Clock.systemUTC());
        return switch (service.approve(platform, code)) {
          case Pairing.Approval.Approved a -> {
            out.println("Approved user " + a.approval().userId() + " ("
                + a.approval().displayName() + ") on " + platform + ".");
            yield CliExit.OK;
          }
          case Pairing.Approval.Unknown u -> {
            err.println("switchboard: no pairing code " + PairingCodes.normalize(code) + " on "
                + platform + "; 'switchboard pairing list' shows the waiting ones.");
            yield CliExit.FAILED;
          }
          case Pairing.Approval.Expired e -> {
            err.println("switchboard: that code expired at " + e.at() + "; the user gets a new"
                + " one by writing to the bot again.");
            yield CliExit.FAILED;
          }
          case Pairing.Approval.AlreadyUsed used -> {
            err.println("switchboard: that code was already used (at " + used.at() + ").");
            yield CliExit.FAILED;
          }
        };
      }
    }
  }

  @Command(name = "revoke", description = "Take an approved user's access away.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand
    PairingSubcommand pairing;

    @Mixin
    HomeOption homeOption;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PLATFORM")
    String platform;

    @Parameters(index = "1", paramLabel = "USER_ID")
    String userId;

    @Override
    public Integer call() throws IOException {
      SwitchboardCommand.exitOnSignals(pairing.root.signals());
      try (Store store = openStore(pairing.root, homeOption)) {
        if (store.pairings().revoke(platform, userId)) {
          spec.commandLine().getOut().println("Revoked user " + userId + " on " + platform + ".");
          return CliExit.OK;
        }
        spec.commandLine()
            .getErr()
            .println("switchboard: user " + userId
                + " was not approved on " + platform + " (users allowed in the configuration are"
                + " changed there).");
        return CliExit.FAILED;
      }
    }
  }
}

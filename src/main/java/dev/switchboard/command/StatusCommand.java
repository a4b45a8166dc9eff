package dev.switchboard.command;

import java.time.Duration;

/** {@code /status}: this session and the gateway, in a few lines. */
final class StatusCommand implements Command {
  @Override
  public String name() {
    return "status";
  }

  @Override
  public String description() {
    return "Show this session and the gateway's state";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    GatewayControl g = context.gateway();
    String model =
        g.defaultModel() == null ? "" : "Model: " + s.model().orElse(g.defaultModel()) + "\n";
    String text = "Session: " + s.key() + "\n"
        + "Turn running: " + (s.turnRunning() ? "yes" : "no")
        + (s.approvalWaiting() ? " (waiting for /approve or /deny)" : "") + "\n"
        + "Queued messages: " + s.queuedMessages() + " (busy policy: " + s.busyPolicy() + ")\n"
        + "Agent: " + g.backend() + "\n"
        + model
        + "Gateway: " + g.state() + ", up " + human(g.uptime()) + ", "
        + g.activeTurns() + " active turn(s), version " + g.version();
    context.reply(text);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + s % 60 + "s";
    }
    if (s < 86400) {
      return s / 3600 + "h " + s % 3600 / 60 + "m";
    }
    return s / 86400 + "d " + s % 86400 / 3600 + "h";
  }
}

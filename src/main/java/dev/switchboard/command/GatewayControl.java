package dev.switchboard.command;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The commands' view of the gateway as a whole. */
public interface GatewayControl {
  /** What became of a /restart. */
  enum RestartOutcome {
    /** Recorded; the gateway is stopping and will tell the requester when it is back. */
    ACCEPTED,
    /** The gateway is already stopping or restarting; nothing new was recorded. */
    ALREADY_STOPPING,
    /** This exact message already caused a restart (it was delivered again); ignored. */
    ALREADY_HONOURED,
    /** The requester could not be recorded durably, so the gateway did not restart. */
    NOT_RECORDED
  }

  RestartOutcome requestRestart(InboundMessage requester);

  String state();

  Duration uptime();

  int activeTurns();

  String backend();

  /** The model turns use when a session chose none; null for a backend without models. */
  @Nullable
  String defaultModel();

  /** Models a session may choose with /model; empty when any name is passed on. */
  List<String> models();

  String version();

  /**
   * Makes {@code chat} (with its thread) the home of its platform: where the gateway's own
   * notices go from now on (starts, restarts, crash recoveries, platforms that fail).
   */
  void setHome(ChatRef chat);

  /**
   * Answers a {@code /cron} request ({@code arguments} are the words after it) from {@code
   * from}; {@code admin} says whether its sender is an admin.
   */
  String cron(InboundMessage from, boolean admin, String arguments) throws InterruptedException;
}

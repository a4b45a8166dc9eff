package dev.switchboard.platform;

import dev.switchboard.common.Backoff;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.common.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway gives an adapter: supervised background work, progress reporting, state
 * reporting. An adapter never starts threads of its own; the gateway stops what it spawns here.
 */
public interface PlatformContext {
  /** Runs {@code loop} on a virtual thread that the gateway interrupts and reports on at stop. */
  void spawn(String name, Runnable loop);

  /** A heartbeat for a receive loop; the gateway's health and watchdog follow it. */
  Heartbeat heartbeat(String loopName, Duration maxSilence);

  /**
   * Reports a change of connection state. {@code error} is shown to the operator as the
   * platform's last error, so it holds no secrets; null when there is none (connected, a clean
   * disconnect).
   */
  void reportState(PlatformState state, @Nullable String error);

  /**
   * A fresh backoff for a loop that reconnects by itself ({@link #keepConnected}): from {@code
   * first} (the platform's own first window), doubling up to the cap the gateway keeps for the
   * platforms it reconnects (gateway.reconnect.max_delay), each wait drawn from the upper half
   * of its window, so a server that closes every connection at once is never met with a
   * reconnect at once.
   */
  default Backoff reconnectBackoff(Duration first) {
    Duration cap = reconnectCap();
    return Backoff.equalJitter(
        first.compareTo(cap) < 0 ? first : cap, cap, ThreadLocalRandom.current());
  }

  /** The longest wait between two reconnects (gateway.reconnect.max_delay). */
  default Duration reconnectCap() {
    return Duration.ofSeconds(60);
  }

  /**
   * Keeps a connection up on a supervised thread ({@link ReconnectingLoop}, spawned as {@code
   * loopName}): the platform is reported connecting with {@code why} now and then as the loop
   * finds it, and the loop's heartbeat (the same name, {@code maxSilence}) is watched. Returns
   * the running loop, to wait for its first connection and to stop.
   */
  default ReconnectingLoop keepConnected(
      String loopName,
      Duration maxSilence,
      Backoff backoff,
      ReconnectingLoop.Connection connection,
      String why) {
    ReconnectingLoop loop = new ReconnectingLoop(
        connection, backoff, heartbeat(loopName, maxSilence), this::reportState, Sleeper.SYSTEM);
    reportState(PlatformState.CONNECTING, why);
    spawn(loopName, loop::run);
    return loop;
  }

  /**
   * Claims a bot credential for this process: one gateway per credential on this machine, by
   * an OS lock that the process holds until it exits (lifecycle rule 9). Throws a fatal
   * {@link PlatformException} naming the other gateway's pid when it is taken.
   */
  void claimCredential(String credential) throws PlatformException;

  /** The gateway's slash commands, for the platform's command menu. */
  List<CommandInfo> commands();

  /**
   * The gateway's sends on request, for a platform that takes such requests (the API server's
   * {@code POST /v1/send}); empty where the gateway offers none.
   */
  default Optional<ProactiveSender> proactiveSender() {
    return Optional.empty();
  }

  /**
   * The platform reported after the fact that the message it had taken as {@code
   * platformMessageId} was not delivered (WhatsApp's {@code failed} status): counted as {@code
   * switchboard_platform_sends_failed_total} by platform and {@code code}, the platform's error
   * code, and its outbox entry marked failed with {@code reason}.
   */
  default void sendFailed(String platformMessageId, String code, String reason) {}

  /**
   * Something the people who run the gateway must act on, and no user of the platform can (a
   * chat WhatsApp no longer lets the gateway write to freely): posted to every home channel
   * ({@code /sethome}). The adapter logs it too, and says it once, not at every message.
   */
  default void tellOperator(String text) {}

  /** A position kept across restarts (Telegram's update offset), if one was saved. */
  Optional<String> loadCursor(String name);

  void saveCursor(String name, String value);

  /**
   * Where the platform keeps what it records for itself (the web chat's conversations) when
   * several gateways share the store: there, so that it follows the lease to the next gateway.
   * Empty when the store is this gateway's own; the platform keeps such things in the state
   * directory then.
   */
  default Optional<PlatformRecords> sharedRecords() {
    return Optional.empty();
  }

  /**
   * True once the gateway has begun to stop or restart: new turns are refused from then on, so
   * a request/response platform can answer "try again" at once instead of waiting.
   */
  default boolean draining() {
    return false;
  }
}

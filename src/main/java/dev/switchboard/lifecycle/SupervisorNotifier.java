package dev.switchboard.lifecycle;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Tells a supervisor what the gateway is doing (lifecycle rule 10). With systemd's {@code
 * NOTIFY_SOCKET} these become sd_notify datagrams; without one they do nothing.
 */
public interface SupervisorNotifier extends AutoCloseable {
  /** Adapters are connected: systemd's start job completes. */
  void ready(String status);

  /** The stop has begun. */
  void stopping(String status);

  /** Asks for {@code extra} more time from now before the stop timeout kills us. */
  void extendTimeout(Duration extra);

  /** The gateway is making progress; sent only when it truly is. */
  void watchdog();

  /** The watchdog interval the supervisor expects, if it set one. */
  Optional<Duration> watchdogTimeout();

  @Override
  default void close() {}

  SupervisorNotifier NONE = new SupervisorNotifier() {
    @Override
    public void ready(String status) {}

    @Override
    public void stopping(String status) {}

    @Override
    public void extendTimeout(Duration extra) {}

    @Override
    public void watchdog() {}

    @Override
    public Optional<Duration> watchdogTimeout() {
      return Optional.empty();
    }
  };

  /** The systemd notifier when {@code NOTIFY_SOCKET} is set, else {@link #NONE}. */
  static SupervisorNotifier fromEnvironment(Map<String, String> env) {
    String socket = env.get("NOTIFY_SOCKET");
    if (socket == null || socket.isBlank()) {
      return NONE;
    }
    return new SdNotifier(socket, watchdogTimeout(env));
  }

  private static Optional<Duration> watchdogTimeout(Map<String, String> env) {
    String usec = env.get("WATCHDOG_USEC");
    String pid = env.get("WATCHDOG_PID");
    if (usec == null || !usec.matches("\\d{1,18}")) {
      return Optional.empty();
    }
    if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
      return Optional.empty(); // meant for another process (a launcher script that did not exec)
    }
    long micros = Long.parseLong(usec);
    return micros == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(micros * 1000));
  }
}

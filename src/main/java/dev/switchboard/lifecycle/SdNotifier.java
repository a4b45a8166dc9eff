package dev.switchboard.lifecycle;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify: one datagram per message to the AF_UNIX socket named by {@code NOTIFY_SOCKET}
 * (a path, or an abstract name written with a leading '@').
 */
final class SdNotifier implements SupervisorNotifier {
  private static final Logger log = LoggerFactory.getLogger(SdNotifier.class);

  private final String socketName;
  private final Optional<Duration> watchdogTimeout;
  private final ReentrantLock lock = new ReentrantLock();

  @GuardedBy("lock")
  private @Nullable UnixDatagramSender sender;

  @GuardedBy("lock")
  private boolean warned;

  SdNotifier(String socketName, Optional<Duration> watchdogTimeout) {
    this.socketName = socketName;
    this.watchdogTimeout = watchdogTimeout;
  }

  @Override
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status) + "\nMAINPID="
        + ProcessHandle.current().pid());
  }

  @Override
  public void stopping(String status) {
    send("STOPPING=1\nSTATUS=" + oneLine(status));
  }

  @Override
  public void extendTimeout(Duration extra) {
    send("EXTEND_TIMEOUT_USEC=" + extra.toNanos() / 1000);
  }

  @Override
  public void watchdog() {
    send("WATCHDOG=1");
  }

  @Override
  public Optional<Duration> watchdogTimeout() {
    return watchdogTimeout;
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  private void send(String message) {
    lock.lock();
    try {
      if (sender == null) {
        sender = UnixDatagramSender.open(socketName);
      }
      sender.send(message);
    } catch (RuntimeException | IOException e) {
      // systemd going away must not break the gateway; say it once, not every watchdog tick.
      if (!warned) {
        warned = true;
        log.warn(
            "could not notify the service manager at NOTIFY_SOCKET={}: {}",
            socketName,
            e.getMessage());
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (sender != null) {
        sender.close();
        sender = null;
      }
    } finally {
      lock.unlock();
    }
  }
}

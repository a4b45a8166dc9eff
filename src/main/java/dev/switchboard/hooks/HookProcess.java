package dev.switchboard.hooks;

import dev.switchboard.common.Ticker;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of one hook: started as the leader of a process group of its own, in the state
 * directory, with nothing of the gateway's environment but {@link HookEnvironment}'s; the event
 * on its standard input, its standard output discarded, the end of its standard error kept.
 *
 * <p>A hook still running at its timeout gets SIGTERM to its whole group, then SIGKILL a second
 * later. A hook that exits has whatever it left running in its group killed: a hook's work ends
 * with it (one that must leave something running detaches it, {@code setsid -f}). An interrupt
 * (the gateway's stop) kills the group at once.
 */
final class HookProcess {
  /** Between SIGTERM and SIGKILL at the timeout. */
  static final Duration TERM_GRACE = Duration.ofSeconds(1);
  /** How long the end of stderr may take to arrive once the hook is gone. */
  private static final Duration STDERR_WAIT = Duration.ofMillis(500);

  private final Hook hook;
  private final byte[] input;
  private final Map<String, String> environment;
  private final Path workDir;
  private final Duration timeout;
  private final Ticker ticker;

  HookProcess(
      Hook hook,
      byte[] input,
      Map<String, String> environment,
      Path workDir,
      Duration timeout,
      Ticker ticker) {
    this.hook = hook;
    this.input = input.clone();
    this.environment = Map.copyOf(environment);
    this.workDir = workDir;
    this.timeout = timeout;
    this.ticker = ticker;
  }

  /** Runs the hook to its end, whichever it is; never throws. */
  HookResult run() {
    ProcessBuilder builder = new ProcessBuilder(hook.command())
        .directory(workDir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().putAll(environment);
    long began = ticker.nanos();
    ProcessGroup group;
    try {
      group = ProcessGroup.start(builder);
    } catch (IOException e) {
      return new HookResult.NotStarted(String.valueOf(e.getMessage()));
    }
    Process p = group.leader();
    StderrTail tail = new StderrTail();
    Thread.ofVirtual().name("hook stdin " + p.pid()).start(() -> feed(p.getOutputStream()));
    Thread reader = Thread.ofVirtual()
        .name("hook stderr " + p.pid())
        .start(() -> tail.drain(p.getErrorStream()));
    try {
      if (p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        group.kill(); // what it left behind
        awaitQuietly(reader);
        return new HookResult.Exited(p.exitValue(), since(began), tail.text());
      }
      group.terminate();
      boolean _ = p.waitFor(TERM_GRACE.toNanos(), TimeUnit.NANOSECONDS);
      group.kill(); // the leader if SIGTERM did not end it, and any child that ignored it
      awaitQuietly(reader);
      return new HookResult.TimedOut(since(began), tail.text());
    } catch (InterruptedException e) {
      group.kill();
      awaitQuietly(reader);
      Thread.currentThread().interrupt();
      return new HookResult.Stopped(since(began), tail.text());
    }
  }

  private void feed(OutputStream stdin) {
    try (stdin) {
      stdin.write(input);
    } catch (IOException e) {
      // the hook exited or closed its input without reading it all: its business
    }
  }

  private static void awaitQuietly(Thread reader) {
    boolean interrupted = Thread.interrupted();
    try {
      reader.join(STDERR_WAIT);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private Duration since(long began) {
    return Duration.ofNanos(ticker.nanos() - began);
  }
}

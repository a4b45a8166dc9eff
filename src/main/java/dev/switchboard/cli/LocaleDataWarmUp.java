package dev.switchboard.cli;

import java.util.GregorianCalendar;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the JDK's locale data on a thread of its own while a gateway starts. Jetty's MimeTypes
 * lists every available locale and Jackson's default date format makes a calendar, each the
 * first time on the start's critical path; that reading is a few tens of milliseconds the
 * start-up cache cannot keep, and on its own thread it overlaps with the logging set-up and the
 * lock. A start to running took about 40 ms less (16 interleaved starts each; "What made
 * restarts faster" in reliability/README.md). Only the JDK's own classes are touched here, whose
 * initialisation is safe from two threads at once; ours or a library's could deadlock with the
 * main thread's.
 */
final class LocaleDataWarmUp {
  private LocaleDataWarmUp() {}

  /**
   * Starts the reading when {@code args} run a gateway, and returns its thread; other commands
   * do not need it.
   */
  static Optional<Thread> startIfRunning(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      return Optional.of(
          Thread.ofPlatform().daemon().name("locale-data").start(LocaleDataWarmUp::read));
    }
    return Optional.empty();
  }

  private static void read() {
    Locale.getAvailableLocales();
    new GregorianCalendar();
  }
}

package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log names chats and users: its files are owner-only from the first byte, rolled or not. */
class OwnerOnlyFileAppenderTest {
  @TempDir
  Path home;

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theLogAndEveryFileARollStartsAreCreatedOwnerOnly() throws Exception {
    Path logs = home.resolve("logs");
    Path file = logs.resolve("gateway.log");

    LoggerContext ctx = new LoggerContext();
    PatternLayout layout = new PatternLayout();
    layout.setContext(ctx);
    layout.setPattern("%msg%n");
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    OwnerOnlyFileAppender appender = new OwnerOnlyFileAppender();
    appender.setContext(ctx);
    appender.setFile(file.toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(ctx);
    rolling.setParent(appender);
    rolling.setFileNamePattern(logs.resolve("gateway.%i.log").toString());
    rolling.setMinIndex(1);
    rolling.setMaxIndex(2);
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(ctx);
    trigger.setMaxFileSize(FileSize.valueOf("1KB"));
    trigger.start();
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.setEncoder(encoder);
    appender.start();
    try {
      assertThat(mode(logs)).isEqualTo("rwx------");
      assertThat(mode(file)).isEqualTo("rw-------");
      LoggingEvent event = new LoggingEvent();
      event.setLoggerContext(ctx);
      event.setLevel(ch.qos.logback.classic.Level.INFO);
      event.setLoggerName("test");
      event.setMessage("x".repeat(200));
      for (int i = 0; i < 20; i++) {
        appender.doAppend(event);
      }
      appender.rollover();
    } finally {
      appender.stop();
    }
    assertThat(logs.resolve("gateway.1.log")).exists();
    for (Path p : new Path[] {file, logs.resolve("gateway.1.log")}) {
      assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
    }
  }
}

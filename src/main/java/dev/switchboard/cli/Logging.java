package dev.switchboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.switchboard.common.OwnerOnly;
import dev.switchboard.config.CoreKeys;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging for the gateway process: the console appender of {@link ConsoleLogConfigurator}, plus a
 * rolling file {@code <home>/logs/gateway.log} (10 MB, 5 old files kept, owner-only), which is where
 * {@code switchboard restart} looks for the last lines when something goes wrong.
 */
final class Logging {
  static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{0} - %msg%n";

  private Logging() {}

  static Path logFile(Path home) {
    return home.resolve("logs").resolve("gateway.log");
  }

  /** Adds the file appender and sets our level to info, before the gateway logs anything. */
  static void forGateway(Path home) {
    createPrivateDirectory(home.resolve("logs"));
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    MaskingPatternLayout layout = new MaskingPatternLayout();
    layout.setContext(ctx);
    layout.setPattern(PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();

    RollingFileAppender<ILoggingEvent> file = new OwnerOnlyFileAppender();
    file.setContext(ctx);
    file.setName("file");
    file.setFile(logFile(home).toString());

    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(ctx);
    rolling.setParent(file);
    rolling.setFileNamePattern(home.resolve("logs").resolve("gateway.%i.log").toString());
    rolling.setMinIndex(1);
    rolling.setMaxIndex(5);
    rolling.start();

    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(ctx);
    trigger.setMaxFileSize(FileSize.valueOf("10MB"));
    trigger.start();

    file.setRollingPolicy(rolling);
    file.setTriggeringPolicy(trigger);
    file.setEncoder(encoder);
    file.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
    setLevel(CoreKeys.LogLevel.INFO);
  }

  // Logs name chats and users; only the owner should read them.
  private static void createPrivateDirectory(Path dir) {
    try {
      OwnerOnly.createDirectories(dir);
    } catch (IOException e) {
      // the file appender reports a directory it cannot use; nothing more to do here
    }
  }

  static void setLevel(CoreKeys.LogLevel level) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.getLogger("dev.switchboard").setLevel(Level.toLevel(level.name(), Level.INFO));
  }
}

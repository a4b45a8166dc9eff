package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MaskingPatternLayoutTest {
  private static final String TOKEN = "424242:AAHsecretPartOfTheToken";

  @AfterEach
  void clear() {
    SecretMask.set(List.of());
  }

  private static String layOut(String message, Throwable error) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    MaskingPatternLayout layout = new MaskingPatternLayout();
    layout.setContext(ctx);
    layout.setPattern(Logging.PATTERN + "%ex");
    layout.start();
    Logger logger = ctx.getLogger("test");
    return layout.doLayout(
        new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, message, error, null));
  }

  @Test
  void aConfiguredSecretIsMaskedInTheMessageAndTheStackTrace() {
    SecretMask.set(List.of(TOKEN));
    String line = layOut(
        "GET https://api.telegram.org/bot" + TOKEN + "/getMe failed",
        new IOException("connect to /bot" + TOKEN + "/getUpdates refused"));
    assertThat(line)
        .doesNotContain(TOKEN)
        .doesNotContain("AAHsecret")
        .contains("/bot[secret]/getMe failed")
        .contains("/bot[secret]/getUpdates refused");
  }

  @Test
  void withoutSecretsOrWithShortValuesNothingChanges() {
    assertThat(layOut("chat 42 says hello", null)).contains("chat 42 says hello");
    SecretMask.set(List.of("42", "hello"));
    assertThat(layOut("chat 42 says hello", null)).contains("chat 42 says hello");
  }

  @Test
  void aSecretInsideALongerOneLeavesNoPartVisible() {
    SecretMask.set(List.of("abcdefgh", "abcdefgh-and-more"));
    assertThat(layOut("x abcdefgh-and-more y abcdefgh z", null))
        .contains("x [secret] y [secret] z");
  }

  @Test
  void theConsoleAppenderOfTheShippedConfigurationMasks() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    var appender = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("console");
    assertThat(appender).isInstanceOf(OutputStreamAppender.class);
    var encoder = ((OutputStreamAppender<?>) appender).getEncoder();
    assertThat(encoder).isInstanceOf(LayoutWrappingEncoder.class);
    assertThat(((LayoutWrappingEncoder<?>) encoder).getLayout())
        .isInstanceOf(MaskingPatternLayout.class);
  }
}

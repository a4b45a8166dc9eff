package dev.switchboard.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.util.List;
import org.slf4j.Logger;

/**
 * Logback's configuration, in code: warnings to stderr (journald captures it under systemd),
 * every line through {@link MaskingPatternLayout} so no configured secret shows. Found by
 * Logback through {@code META-INF/services}. Code rather than a {@code logback.xml} because
 * Logback's XML configurator parses and interprets its file on every start, a tenth of the
 * CPU a start takes, and a restart's time to ready is what users wait for. The gateway adds
 * its rolling file when it runs ({@link Logging#forGateway}).
 */
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {
  static final String APPENDER = "console";
  static final List<String> PDF_LIBRARIES = List.of("org.apache.pdfbox", "org.apache.fontbox");

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    // Logback's own start-up chatter stays out of the console.
    context.getStatusManager().add(new NopStatusListener());
    MaskingPatternLayout layout = new MaskingPatternLayout();
    layout.setContext(context);
    layout.setPattern(Logging.PATTERN);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(APPENDER);
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    context.getLogger("dev.switchboard").setLevel(Level.WARN);
    // PDFBox warns about every font it substitutes and every flaw of a broken file, per page;
    // a user's PDF reaches them as one line (media.DocumentText), which the caller logs. Its
    // commons-logging finds SLF4J on its own, so these levels reach it.
    for (String pdf : PDF_LIBRARIES) {
      context.getLogger(pdf).setLevel(Level.OFF);
    }
    // HikariCP warns with a stack trace for every pooled connection a database restart broke;
    // store.postgresql.PostgresDb says once, in a line, that the database went away and came back
    context.getLogger("com.zaxxer.hikari.pool").setLevel(Level.ERROR);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}

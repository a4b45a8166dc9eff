package dev.switchboard.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import dev.switchboard.common.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The rolling log file, created owner-only: logs name chats and users. Logback would create it
 * with the process's umask (usually 0644), at the start and after every roll, both through
 * {@link #openFile}; a missing file is made first, and a rolled file keeps its mode. A file an
 * older version left open is the start's to tighten, which says so in the log.
 */
final class OwnerOnlyFileAppender extends RollingFileAppender<ILoggingEvent> {
  @Override
  public void openFile(String fileName) throws IOException {
    Path file = Path.of(fileName).toAbsolutePath();
    OwnerOnly.createDirectories(Objects.requireNonNull(file.getParent(), "parent"));
    OwnerOnly.createFileIfMissing(file);
    super.openFile(fileName);
  }
}

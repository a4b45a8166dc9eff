package dev.switchboard.cli;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** A pattern layout whose lines, stack traces included, have the secrets masked. */
public final class MaskingPatternLayout extends PatternLayout {
  @Override
  public String doLayout(ILoggingEvent event) {
    return SecretMask.apply(super.doLayout(event));
  }
}

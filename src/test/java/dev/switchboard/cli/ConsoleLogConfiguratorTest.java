package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The levels Logback is given in code (this JVM is configured by it, as the gateway is). */
class ConsoleLogConfiguratorTest {
  @Test
  void pdfBoxLogsThroughSlf4jAndIsSilenced() {
    // Through commons-logging, as PDFBox logs: were it routed to java.util.logging instead,
    // its warnings would be on (JUL's default level is INFO).
    Log pdfbox = LogFactory.getLog("org.apache.pdfbox.pdmodel.font.PDType1Font");
    Log fontbox = LogFactory.getLog("org.apache.fontbox.ttf.TTFParser");

    assertThat(pdfbox.isWarnEnabled()).isFalse();
    assertThat(pdfbox.isErrorEnabled()).isFalse();
    assertThat(fontbox.isErrorEnabled()).isFalse();
  }

  @Test
  void otherLibrariesStillWarn() {
    assertThat(LogFactory.getLog("org.eclipse.jetty.server.Server").isWarnEnabled())
        .isTrue();
    assertThat(LoggerFactory.getLogger("org.flywaydb.core").isWarnEnabled()).isTrue();
    assertThat(LoggerFactory.getLogger("org.flywaydb.core").isInfoEnabled()).isFalse();
  }
}

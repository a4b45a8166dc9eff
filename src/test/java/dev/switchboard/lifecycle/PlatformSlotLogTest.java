package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.testing.InMemoryAdapter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What a person reading the log sees of a platform's connect: each step once. */
class PlatformSlotLogTest {
  @TempDir
  Path home;

  private Logger logger;
  private ListAppender<ILoggingEvent> logged;
  private Level previousLevel;

  @BeforeEach
  void captureLog() {
    logger = (Logger) LoggerFactory.getLogger(PlatformSlot.class);
    previousLevel = logger.getLevel();
    logger.setLevel(Level.INFO);
    logged = new ListAppender<>();
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
    logger.setLevel(previousLevel);
  }

  private List<String> lines() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aConnectThatReturnsConnectedSaysSoOnce() throws Exception {
    PlatformSlot slot = PlatformSlotCredentialTest.slot(new InMemoryAdapter("mem"), home);
    assertThat(slot.connect(m -> {}, Duration.ofSeconds(5))).isTrue();
    assertThat(lines()).containsExactly("mem: connected");
    slot.disconnect(Duration.ofSeconds(5));
  }

  @Test
  void aLoopThatComesUpAfterTheConnectSaysStartedThenConnectedOnce() throws Exception {
    InMemoryAdapter adapter = new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        super.connect(inbound, context);
        context.reportState(PlatformState.CONNECTING, "waiting for the first poll");
      }
    };
    PlatformSlot slot = PlatformSlotCredentialTest.slot(adapter, home);
    assertThat(slot.connect(m -> {}, Duration.ofSeconds(5))).isTrue();
    adapter.reportState(PlatformState.CONNECTED, null);
    adapter.reportState(PlatformState.CONNECTED, null);
    assertThat(lines())
        .containsExactly("mem: started, connecting: waiting for the first poll", "mem: connected");
    slot.disconnect(Duration.ofSeconds(5));
  }
}

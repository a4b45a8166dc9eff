package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.common.Sleeper;
import dev.switchboard.common.Ticker;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.platform.InboundHandler;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.ProactiveSender;
import dev.switchboard.testing.InMemoryAdapter;
import dev.switchboard.testing.InMemoryStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 9 and a connect that does not succeed: a failed connect frees the bot's credential for
 * another gateway at once; a timed-out one keeps it, since the abandoned connect may still be
 * talking to the platform with it, until the stop's disconnect.
 */
class PlatformSlotCredentialTest {
  private static final String TOKEN = "123:SECRET";
  /** The retry waits until the stop: these tests are about one attempt and the disconnect. */
  private static final Sleeper NO_RETRY_HERE = d -> new CountDownLatch(1).await();

  @TempDir
  Path home;

  private PlatformSlot slot(InMemoryAdapter adapter) {
    return slot(adapter, home);
  }

  /** A slot for {@code adapter} whose retries wait until the stop. */
  static PlatformSlot slot(InMemoryAdapter adapter, Path home) {
    Clock clock = Clock.systemUTC();
    StateFile state = new StateFile(
        home, GatewayState.starting(1, "test", home.toString(), clock.instant()), clock);
    return new PlatformSlot(
        adapter,
        new SlotServices(
            new TaskSupervisor(Ticker.system(), reason -> {}),
            new ProgressMonitor(),
            state,
            new InMemoryStore().cursors(),
            platform -> Optional.empty(),
            List.of(),
            new CredentialLocks(home.resolve("locks")),
            () -> false,
            GatewayEvents.NONE,
            ReconnectPolicy.DEFAULTS,
            PlatformEvents.NONE,
            (target, text, files, key) ->
                new ProactiveSender.Outcome.Refused(503, "not in this test"),
            Duration.ofSeconds(1),
            NO_RETRY_HERE,
            clock,
            Ticker.system(),
            (platform, messageId, code, reason) -> {}));
  }

  private CredentialLocks locks() {
    return new CredentialLocks(home.resolve("locks"));
  }

  @Test
  void aFailedConnectReleasesTheCredential() throws Exception {
    PlatformSlot slot = slot(new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        try {
          context.claimCredential(TOKEN);
        } catch (PlatformException e) {
          throw new IllegalStateException(e);
        }
        throw new IllegalStateException("the platform refused the token");
      }
    });

    assertThat(slot.connect(m -> {}, Duration.ofSeconds(5))).isFalse();

    locks().claim("mem", TOKEN).close(); // free: another gateway may use the bot now
  }

  @Test
  void aTimedOutConnectKeepsTheCredentialUntilTheDisconnect() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    PlatformSlot slot = slot(new InMemoryAdapter("mem") {
      @Override
      public void connect(InboundHandler inbound, PlatformContext context) {
        try {
          context.claimCredential(TOKEN);
          never.await();
        } catch (PlatformException | InterruptedException e) {
          // abandoned: a real adapter might still be polling here
        }
      }
    });

    assertThat(slot.connect(m -> {}, Duration.ofMillis(200))).isFalse();
    assertThatThrownBy(() -> locks().claim("mem", TOKEN))
        .isInstanceOf(PlatformException.class)
        .hasMessageContaining("already connected");

    slot.disconnect(Duration.ofSeconds(1));
    locks().claim("mem", TOKEN).close();
  }
}

package dev.switchboard.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.http.HttpServer;
import dev.switchboard.testing.InMemoryAdapter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails part-way is rolled back: the stop undoes only the phases that began. */
class StartRollbackTest {
  @TempDir
  Path home;

  private RuntimeHarness harness;

  @AfterEach
  void stop() throws Exception {
    RuntimeHarness.stopIfRunning(harness);
  }

  @Test
  void aTakenHttpPortEndsTheStartBeforeAnyPlatformIsTouched() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      harness = new RuntimeHarness(home);
      InMemoryAdapter adapter = new InMemoryAdapter("mem");
      harness.adapters.add(adapter);
      harness.httpServer = new HttpServer("127.0.0.1", taken.getLocalPort());
      harness.startWithoutWaiting();

      assertThat(harness.exitCode()).isEqualTo(ExitCodes.CRASHED);
      assertThat(adapter.connected()).isFalse();
      assertThat(adapter.disconnectCalls()).isZero();
      GatewayState state = harness.state();
      assertThat(state.state()).isEqualTo(GatewayState.STARTUP_FAILED);
      assertThat(state.exitReason()).contains("start failed");
      assertThat(state.platforms()).doesNotContainKey("mem");
    }
  }

  @Test
  void aStartThatReachedThePlatformsDisconnectsThemAtTheStop() throws Exception {
    harness = new RuntimeHarness(home);
    InMemoryAdapter adapter = new InMemoryAdapter("mem");
    harness.adapters.add(adapter);
    harness.start();
    assertThat(adapter.connected()).isTrue();

    harness.runtime.onSignal("TERM");

    assertThat(harness.exitCode()).isEqualTo(ExitCodes.STOPPED);
    assertThat(adapter.disconnectCalls()).isEqualTo(1);
    assertThat(harness.state().platforms().get("mem").state()).isEqualTo("disconnected");
  }
}

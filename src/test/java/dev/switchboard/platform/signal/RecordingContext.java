package dev.switchboard.platform.signal;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.testing.StubPlatformContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The stub gateway, with the states the adapter reports kept in order. */
final class RecordingContext implements PlatformContext {
  private final StubPlatformContext stub = new StubPlatformContext();
  private final List<PlatformState> states;

  RecordingContext(List<PlatformState> states) {
    this.states = states;
  }

  @Override
  public void spawn(String name, Runnable loop) {
    stub.spawn(name, loop);
  }

  @Override
  public Heartbeat heartbeat(String loopName, Duration maxSilence) {
    return stub.heartbeat(loopName, maxSilence);
  }

  @Override
  public void reportState(PlatformState state, @Nullable String error) {
    states.add(state);
  }

  @Override
  public Duration reconnectCap() {
    return Duration.ofMillis(500);
  }

  @Override
  public void claimCredential(String credential) {}

  @Override
  public List<CommandInfo> commands() {
    return List.of();
  }

  @Override
  public Optional<String> loadCursor(String name) {
    return stub.loadCursor(name);
  }

  @Override
  public void saveCursor(String name, String value) {
    stub.saveCursor(name, value);
  }
}

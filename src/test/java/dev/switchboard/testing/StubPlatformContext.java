package dev.switchboard.testing;

import dev.switchboard.common.Heartbeat;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.ProactiveSender;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A gateway for adapters that need little of it (the web chat, the API): a drain switch, and
 * the sends on request a test plugs in.
 */
public final class StubPlatformContext implements PlatformContext {
  public volatile boolean draining;
  public volatile @Nullable ProactiveSender sender;
  /** The records of a store shared with other gateways; null for a store of its own. */
  public volatile @Nullable PlatformRecords shared;

  public final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final Map<String, String> cursors = new ConcurrentHashMap<>();

  @Override
  public void spawn(String name, Runnable loop) {
    threads.add(Thread.ofVirtual().name(name).start(loop));
  }

  @Override
  public Heartbeat heartbeat(String loopName, Duration maxSilence) {
    return new Heartbeat(loopName, maxSilence, System::nanoTime);
  }

  @Override
  public void reportState(PlatformState state, String error) {}

  @Override
  public void claimCredential(String credential) {}

  @Override
  public List<CommandInfo> commands() {
    return List.of();
  }

  @Override
  public Optional<String> loadCursor(String name) {
    return Optional.ofNullable(cursors.get(name));
  }

  @Override
  public void saveCursor(String name, String value) {
    cursors.put(name, value);
  }

  @Override
  public boolean draining() {
    return draining;
  }

  @Override
  public Optional<ProactiveSender> proactiveSender() {
    return Optional.ofNullable(sender);
  }

  @Override
  public Optional<PlatformRecords> sharedRecords() {
    return Optional.ofNullable(shared);
  }
}

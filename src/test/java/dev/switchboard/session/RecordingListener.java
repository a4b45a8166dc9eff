package dev.switchboard.session;

import dev.switchboard.platform.InboundMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what the dispatcher reports, by message text, for assertions. */
class RecordingListener implements DispatcherListener {
  final List<String> deferred = new CopyOnWriteArrayList<>();
  final Map<String, String> finished = new ConcurrentHashMap<>();
  final List<String> started = new CopyOnWriteArrayList<>();
  private final List<String> startedKeys = new CopyOnWriteArrayList<>();
  final AtomicInteger lastActive = new AtomicInteger(-1);

  @Override
  public void activeTurnsChanged(int activeTurns) {
    lastActive.set(activeTurns);
  }

  @Override
  public int started(InboundMessage message) {
    started.add(message.text());
    // attempts count per message, as the journal counts them: a redelivery is the same key
    startedKeys.add(message.dedupeKey());
    return (int) startedKeys.stream().filter(message.dedupeKey()::equals).count();
  }

  @Override
  public void finished(InboundMessage message, String outcome) {
    finished.put(message.text(), outcome);
  }

  @Override
  public void deferred(InboundMessage message, DrainReason reason) {
    deferred.add(message.text() + "/" + reason);
  }
}

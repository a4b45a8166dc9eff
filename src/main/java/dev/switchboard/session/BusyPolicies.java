package dev.switchboard.session;

import dev.switchboard.store.Conversations;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * What a message does while a turn runs in its session: the configured default, or the policy
 * the session chose with /busy, which outlives restarts (kept with the session's settings).
 */
final class BusyPolicies {
  private final BusyPolicy defaultPolicy;
  private final Conversations conversations;
  /** Sessions that chose their own, by session id. */
  private final Map<String, BusyPolicy> chosen = new ConcurrentHashMap<>();

  BusyPolicies(BusyPolicy defaultPolicy, Conversations conversations) {
    this.defaultPolicy = defaultPolicy;
    this.conversations = conversations;
    conversations
        .settingsNamed(SessionSettings.BUSY_POLICY)
        .forEach((session, value) -> parse(value).ifPresent(p -> chosen.put(session, p)));
  }

  static Optional<BusyPolicy> parse(String value) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "interrupt" -> Optional.of(BusyPolicy.INTERRUPT);
      case "queue" -> Optional.of(BusyPolicy.QUEUE);
      default -> Optional.empty();
    };
  }

  BusyPolicy of(SessionKey key) {
    return chosen.getOrDefault(key.id(), defaultPolicy);
  }

  /** Sets (or, with null, clears) the session's own policy. */
  void set(SessionKey key, @Nullable BusyPolicy policy) {
    conversations.setSetting(
        key.id(),
        SessionSettings.BUSY_POLICY,
        policy == null ? null : policy.name().toLowerCase(Locale.ROOT));
    if (policy == null) {
      chosen.remove(key.id());
    } else {
      chosen.put(key.id(), policy);
    }
  }
}

package dev.switchboard.store;

import dev.switchboard.platform.ChatRef;
import java.util.Map;
import java.util.Optional;

/**
 * The chat each platform's gateway notices go to ({@code /sethome}): starts, restarts, crash
 * recoveries, platforms that failed. One per platform; setting another replaces it.
 */
public interface HomeChannels {
  Optional<ChatRef> get(String platform);

  void set(ChatRef chat);

  /** Every platform's home, by platform name. */
  Map<String, ChatRef> all();
}

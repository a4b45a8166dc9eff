package dev.switchboard.store;

import java.util.Optional;

/** Small named positions a platform keeps across restarts, such as Telegram's update offset. */
public interface Cursors {
  Optional<String> get(String platform, String name);

  void put(String platform, String name, String value);
}

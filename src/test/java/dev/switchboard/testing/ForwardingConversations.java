package dev.switchboard.testing;

import dev.switchboard.store.Conversations;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Passes every call to another {@link Conversations}; tests override the calls they stage. */
public class ForwardingConversations implements Conversations {
  private final Conversations real;

  public ForwardingConversations(Conversations real) {
    this.real = real;
  }

  @Override
  public int generation(String sessionKey) {
    return real.generation(sessionKey);
  }

  @Override
  public int startNew(String sessionKey) {
    return real.startNew(sessionKey);
  }

  @Override
  public void append(String sessionKey, int generation, String role, String text) {
    real.append(sessionKey, generation, role, text);
  }

  @Override
  public List<Line> lines(String sessionKey, int generation, int limit) {
    return real.lines(sessionKey, generation, limit);
  }

  @Override
  public List<Line> hideLastExchange(String sessionKey, int generation, String byKey) {
    return real.hideLastExchange(sessionKey, generation, byKey);
  }

  @Override
  public Optional<String> setting(String sessionKey, String name) {
    return real.setting(sessionKey, name);
  }

  @Override
  public Map<String, String> settings(String sessionKey) {
    return real.settings(sessionKey);
  }

  @Override
  public void setSetting(String sessionKey, String name, String value) {
    real.setSetting(sessionKey, name, value);
  }

  @Override
  public Map<String, String> settingsNamed(String name) {
    return real.settingsNamed(name);
  }

  @Override
  public void addUsage(String sessionKey, int generation, long tokensIn, long tokensOut) {
    real.addUsage(sessionKey, generation, tokensIn, tokensOut);
  }

  @Override
  public Usage usage(String sessionKey, int generation) {
    return real.usage(sessionKey, generation);
  }

  @Override
  public Usage totalUsage(String sessionKey) {
    return real.totalUsage(sessionKey);
  }

  @Override
  public int pruneLinesBefore(Instant before, int limit) {
    return real.pruneLinesBefore(before, limit);
  }

  @Override
  public int pruneLinesBeyond(int keep, int limit) {
    return real.pruneLinesBeyond(keep, limit);
  }
}

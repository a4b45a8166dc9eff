package dev.switchboard.testing;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's contracts in memory, for unit tests of the layers above it. Integration and
 * process-level tests use the real SQLite store.
 */
public final class InMemoryStore implements Store {
  private final Journal journal = new Journal();
  private final MemoryOutbox outbox = new MemoryOutbox();
  private final Map<String, String> cursors = new HashMap<>();
  private final Map<String, Integer> generations = new HashMap<>();
  private final Map<String, List<Entry>> transcripts = new HashMap<>();
  private final Map<String, String> settings = new HashMap<>();
  private final Map<String, Conversations.Usage> usage = new HashMap<>();
  private final Map<String, Pairings.Code> codes = new LinkedHashMap<>();
  private final Map<String, Pairings.Approval> approvals = new LinkedHashMap<>();

  @Override
  public InboundJournal journal() {
    return journal;
  }

  @Override
  public Outbox outbox() {
    return outbox;
  }

  @Override
  public Cursors cursors() {
    return new Cursors() {
      @Override
      public synchronized Optional<String> get(String platform, String name) {
        return Optional.ofNullable(cursors.get(platform + "/" + name));
      }

      @Override
      public synchronized void put(String platform, String name, String value) {
        cursors.put(platform + "/" + name, value);
      }
    };
  }

  @Override
  public Conversations conversations() {
    return new Conversations() {
      @Override
      public int generation(String sessionKey) {
        synchronized (generations) {
          return generations.getOrDefault(sessionKey, 0);
        }
      }

      @Override
      public int startNew(String sessionKey) {
        synchronized (generations) {
          return generations.merge(sessionKey, 1, Integer::sum);
        }
      }

      @Override
      public void append(String sessionKey, int generation, String role, String text) {
        synchronized (transcripts) {
          transcripts.computeIfAbsent(sessionKey + "#" + generation, k -> new ArrayList<>())
              .add(new Entry(new Line(role, text, Instant.now())));
        }
      }

      @Override
      public List<Line> lines(String sessionKey, int generation, int limit) {
        synchronized (transcripts) {
          List<Line> all = transcripts.getOrDefault(sessionKey + "#" + generation, List.of())
              .stream().filter(e -> e.undoneBy == null).map(e -> e.line).toList();
          return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
        }
      }

      @Override
      public List<Line> hideLastExchange(String sessionKey, int generation, String byKey) {
        synchronized (transcripts) {
          List<Entry> all = transcripts.getOrDefault(sessionKey + "#" + generation, List.of());
          List<Line> already = all.stream().filter(e -> byKey.equals(e.undoneBy))
              .map(e -> e.line).toList();
          if (!already.isEmpty()) {
            return already;
          }
          int lastUser = -1;
          for (int i = 0; i < all.size(); i++) {
            if (all.get(i).undoneBy == null && all.get(i).line.role().equals("user")) {
              lastUser = i;
            }
          }
          if (lastUser < 0) {
            return List.of();
          }
          List<Line> hidden = new ArrayList<>();
          for (Entry e : all.subList(lastUser, all.size())) {
            if (e.undoneBy == null) {
              e.undoneBy = byKey;
              hidden.add(e.line);
            }
          }
          return hidden;
        }
      }

      @Override
      public Optional<String> setting(String sessionKey, String name) {
        synchronized (settings) {
          return Optional.ofNullable(settings.get(sessionKey + "\n" + name));
        }
      }

      @Override
      public Map<String, String> settings(String sessionKey) {
        synchronized (settings) {
          Map<String, String> out = new java.util.TreeMap<>();
          settings.forEach((k, v) -> {
            int nl = k.indexOf('\n');
            if (k.substring(0, nl).equals(sessionKey)) {
              out.put(k.substring(nl + 1), v);
            }
          });
          return out;
        }
      }

      @Override
      public void setSetting(String sessionKey, String name, String value) {
        synchronized (settings) {
          if (value == null) {
            settings.remove(sessionKey + "\n" + name);
          } else {
            settings.put(sessionKey + "\n" + name, value);
          }
        }
      }

      @Override
      public Map<String, String> settingsNamed(String name) {
        synchronized (settings) {
          Map<String, String> out = new java.util.TreeMap<>();
          settings.forEach((k, v) -> {
            int nl = k.indexOf('\n');
            if (k.substring(nl + 1).equals(name)) {
              out.put(k.substring(0, nl), v);
            }
          });
          return out;
        }
      }

      @Override
      public void addUsage(String sessionKey, int generation, long tokensIn, long tokensOut) {
        synchronized (usage) {
          usage.merge(sessionKey + "#" + generation, new Usage(1, tokensIn, tokensOut),
              (a, b) -> new Usage(a.turns() + b.turns(), a.tokensIn() + b.tokensIn(),
                  a.tokensOut() + b.tokensOut()));
        }
      }

      @Override
      public Usage usage(String sessionKey, int generation) {
        synchronized (usage) {
          return usage.getOrDefault(sessionKey + "#" + generation, Usage.NONE);
        }
      }

      @Override
      public Usage totalUsage(String sessionKey) {
        synchronized (usage) {
          return usage.entrySet().stream()
              .filter(e -> e.getKey().startsWith(sessionKey + "#")).map(Map.Entry::getValue)
              .reduce(Usage.NONE, (a, b) -> new Usage(a.turns() + b.turns(),
                  a.tokensIn() + b.tokensIn(), a.tokensOut() + b.tokensOut()));
        }
      }
    };
  }

  /** A transcript line and the command that hid it, if one did. */
  private static final class Entry {
    final Conversations.Line line;
    String undoneBy;

    Entry(Conversations.Line line) {
      this.line = line;
    }
  }

  @Override
  public Pairings pairings() {
    return new Pairings() {
      @Override
      public synchronized void addCode(Code code) {
        codes.put(code.platform() + "/" + code.code(), code);
      }

      @Override
      public synchronized Optional<Code> findCode(String platform, String code) {
        return Optional.ofNullable(codes.get(platform + "/" + code));
      }

      @Override
      public synchronized List<Code> pending(String platform, Instant now) {
        return codes.values().stream().filter(c -> c.platform().equals(platform)
            && c.usedAt() == null && c.expiresAt().isAfter(now)).toList();
      }

      @Override
      public synchronized Approval redeem(Code code, Instant now) {
        Code current = codes.get(code.platform() + "/" + code.code());
        if (current == null || current.usedAt() != null) {
          throw new StoreException("pairing code " + code.code() + " was already used", null);
        }
        codes.put(code.platform() + "/" + code.code(), new Code(code.platform(), code.code(),
            code.userId(), code.chatId(), code.displayName(), code.createdAt(),
            code.expiresAt(), now));
        Approval a = new Approval(code.platform(), code.userId(), code.displayName(), now);
        approvals.put(code.platform() + "/" + code.userId(), a);
        return a;
      }

      @Override
      public synchronized boolean approved(String platform, String userId) {
        return approvals.containsKey(platform + "/" + userId);
      }

      @Override
      public synchronized List<Approval> approvals(String platform) {
        return approvals.values().stream().filter(a -> a.platform().equals(platform)).toList();
      }

      @Override
      public synchronized boolean revoke(String platform, String userId) {
        return approvals.remove(platform + "/" + userId) != null;
      }

      @Override
      public synchronized int deleteExpired(Instant now) {
        int before = codes.size();
        codes.values().removeIf(c -> c.usedAt() == null && !c.expiresAt().isAfter(now));
        return before - codes.size();
      }
    };
  }

  @Override
  public void close() {}

  private static final class Journal implements InboundJournal {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public synchronized boolean record(InboundMessage m) {
      if (entries.containsKey(m.dedupeKey())) {
        return false;
      }
      entries.put(m.dedupeKey(), new Entry(ids.incrementAndGet(), m, Status.PENDING, null, 0));
      return true;
    }

    @Override
    public synchronized int markRunning(InboundMessage m) {
      Entry e = entries.get(m.dedupeKey());
      if (e == null) {
        return 1;
      }
      Entry next = new Entry(e.id(), e.message(), Status.RUNNING, null, e.attempts() + 1);
      entries.put(m.dedupeKey(), next);
      return next.attempts();
    }

    @Override
    public synchronized void markPending(InboundMessage m) {
      set(m, Status.PENDING, null);
    }

    @Override
    public synchronized void markDone(InboundMessage m, String outcome) {
      set(m, Status.DONE, outcome);
    }

    private void set(InboundMessage m, Status status, String outcome) {
      Entry e = entries.get(m.dedupeKey());
      if (e != null) {
        entries.put(m.dedupeKey(), new Entry(e.id(), e.message(), status, outcome,
            e.attempts()));
      }
    }

    @Override
    public synchronized List<Entry> unfinished() {
      return entries.values().stream().filter(e -> e.status() != Status.DONE).toList();
    }
  }

  private static final class MemoryOutbox implements Outbox {
    private final Map<String, Entry> byKey = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public synchronized Entry claim(String key, ChatRef chat, String text, String inboundKey) {
      return byKey.computeIfAbsent(key, k -> new Entry(ids.incrementAndGet(), k, chat, text,
          Status.PENDING, null, false, inboundKey));
    }

    @Override
    public synchronized Optional<Entry> find(String key) {
      return Optional.ofNullable(byKey.get(key));
    }

    private void update(long id, Status status, String messageId, String text,
        Boolean complete) {
      for (Map.Entry<String, Entry> e : byKey.entrySet()) {
        Entry o = e.getValue();
        if (o.id() == id) {
          e.setValue(new Entry(o.id(), o.key(), o.chat(), text == null ? o.text() : text, status,
              messageId == null ? o.platformMessageId() : messageId,
              complete == null ? o.complete() : complete, o.inboundKey()));
          return;
        }
      }
    }

    @Override
    public synchronized void markSending(long id, String text) {
      update(id, Status.SENDING, null, text, null);
    }

    @Override
    public synchronized void markSent(long id, String platformMessageId, String text,
        boolean complete) {
      update(id, Status.SENT, platformMessageId, text, complete);
    }

    @Override
    public synchronized void markFailed(long id, String reason) {
      update(id, Status.FAILED, null, null, null);
    }

    @Override
    public synchronized void markUnknown(long id, String reason) {
      update(id, Status.UNKNOWN, null, null, null);
    }

    @Override
    public synchronized List<Entry> forInbound(String inboundKey) {
      return byKey.values().stream().filter(e -> inboundKey.equals(e.inboundKey()))
          .sorted(java.util.Comparator.comparing(Entry::key)).toList();
    }
  }
}

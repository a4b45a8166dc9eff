package dev.switchboard.testing;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.Sender;
import dev.switchboard.store.Conversations;
import dev.switchboard.store.Cursors;
import dev.switchboard.store.HomeChannels;
import dev.switchboard.store.InboundJournal;
import dev.switchboard.store.Jobs;
import dev.switchboard.store.Leases;
import dev.switchboard.store.Outbox;
import dev.switchboard.store.Pairings;
import dev.switchboard.store.Store;
import dev.switchboard.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The store's contracts in memory, for unit tests of the layers above it; {@code
 * InMemoryStoreContractTest} holds it to the same contract as the real stores. Integration and
 * process-level tests use the real SQLite store.
 */
public final class InMemoryStore implements Store {
  private final Journal journal;
  private final MemoryOutbox outbox;
  private final MemoryCursors cursors = new MemoryCursors();
  private final MemoryHomeChannels homeChannels = new MemoryHomeChannels();
  private final MemoryJobs jobs;
  private final MemoryConversations conversations;
  private final MemoryPairings pairings = new MemoryPairings();
  private final MemoryLeases leases;
  private final MemoryPlatformRecords records = new MemoryPlatformRecords();

  public InMemoryStore() {
    this(Clock.systemUTC());
  }

  /** @param clock stamps rows (transcript lines, changes of state), as a real store's does */
  public InMemoryStore(Clock clock) {
    this.journal = new Journal(clock);
    this.outbox = new MemoryOutbox(clock, journal);
    this.conversations = new MemoryConversations(clock);
    this.jobs = new MemoryJobs(clock);
    this.leases = new MemoryLeases(clock);
  }

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
    return cursors;
  }

  @Override
  public HomeChannels homeChannels() {
    return homeChannels;
  }

  @Override
  public Jobs jobs() {
    return jobs;
  }

  @Override
  public Conversations conversations() {
    return conversations;
  }

  @Override
  public Leases leases() {
    return leases;
  }

  @Override
  public Pairings pairings() {
    return pairings;
  }

  @Override
  public PlatformRecords platformRecords(String platform) {
    return records.of(platform);
  }

  /** Nothing is on disk. */
  @Override
  public long bytesOnDisk() {
    return 0;
  }

  /** What is deleted from a map is already given back (to the garbage collector). */
  @Override
  public void compact() {}

  @Override
  public void close() {}

  private static final class MemoryLeases implements Leases {
    private final Clock clock;
    private final Map<String, Lease> leases = new TreeMap<>();
    private final Map<String, String> addresses = new TreeMap<>();

    MemoryLeases(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized Optional<Lease> acquire(String name, String holder, Duration ttl) {
      Instant now = clock.instant();
      Instant until = now.plus(ttl);
      Lease held = leases.get(name);
      Lease taken;
      if (held == null) {
        taken = new Lease(name, holder, 1, until);
      } else if (!held.expiresAt().isAfter(now)) {
        taken = new Lease(name, holder, held.token() + 1, until);
      } else if (held.holder().equals(holder)) {
        taken = new Lease(name, holder, held.token(), until);
      } else {
        return Optional.empty();
      }
      leases.put(name, taken);
      return Optional.of(taken);
    }

    @Override
    public synchronized Optional<Lease> renew(Lease lease, Duration ttl) {
      if (!holds(lease)) {
        return Optional.empty();
      }
      Lease renewed =
          new Lease(lease.name(), lease.holder(), lease.token(), clock.instant().plus(ttl));
      leases.put(lease.name(), renewed);
      return Optional.of(renewed);
    }

    @Override
    public synchronized void release(Lease lease) {
      if (holds(lease)) {
        leases.put(
            lease.name(), new Lease(lease.name(), lease.holder(), lease.token(), clock.instant()));
      }
    }

    @Override
    public synchronized boolean holds(Lease lease) {
      Lease held = leases.get(lease.name());
      return held != null
          && held.holder().equals(lease.holder())
          && held.token() == lease.token()
          && held.expiresAt().isAfter(clock.instant());
    }

    @Override
    public synchronized List<Lease> all() {
      return List.copyOf(leases.values());
    }

    @Override
    public synchronized void advertise(String holder, String address) {
      addresses.put(holder, address);
    }

    @Override
    public synchronized Optional<String> address(String holder) {
      return Optional.ofNullable(addresses.get(holder));
    }
  }

  private static final class MemoryHomeChannels implements HomeChannels {
    private final Map<String, ChatRef> homes = new TreeMap<>();

    @Override
    public synchronized Optional<ChatRef> get(String platform) {
      return Optional.ofNullable(homes.get(platform));
    }

    @Override
    public synchronized void set(ChatRef chat) {
      homes.put(chat.platform(), chat);
    }

    @Override
    public synchronized Map<String, ChatRef> all() {
      return new TreeMap<>(homes);
    }
  }

  private static final class MemoryJobs implements Jobs {
    private final Map<Long, Job> jobs = new TreeMap<>();
    private final Clock clock;
    private long lastId;

    MemoryJobs(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized Job add(NewJob n) {
      Job job = new Job(
          ++lastId,
          n.chat(),
          n.schedule(),
          n.zone(),
          n.prompt(),
          n.sharedConversation(),
          false,
          n.nextRun(),
          n.createdBy(),
          clock.instant().truncatedTo(ChronoUnit.MILLIS),
          null,
          null);
      jobs.put(job.id(), job);
      return job;
    }

    @Override
    public synchronized Optional<Job> get(long id) {
      return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized List<Job> all() {
      return List.copyOf(jobs.values());
    }

    @Override
    public synchronized boolean setPaused(long id, boolean paused, @Nullable Instant nextRun) {
      Job j = jobs.get(id);
      if (j == null) {
        return false;
      }
      jobs.put(id, changed(j, paused, nextRun, j.lastRun(), j.lastOutcome()));
      return true;
    }

    @Override
    public synchronized boolean remove(long id) {
      return jobs.remove(id) != null;
    }

    @Override
    public synchronized void advance(
        long id, Instant due, @Nullable Instant nextRun, String outcome) {
      Job j = jobs.get(id);
      if (j != null) {
        jobs.put(id, changed(j, j.paused(), nextRun, due, outcome));
      }
    }

    @Override
    public synchronized void recordOutcome(long id, Instant due, String outcome) {
      Job j = jobs.get(id);
      if (j != null && due.equals(j.lastRun())) {
        jobs.put(id, changed(j, j.paused(), j.nextRun(), j.lastRun(), outcome));
      }
    }

    /** {@code j} with the fields the scheduler and /cron change. */
    private static Job changed(
        Job j,
        boolean paused,
        @Nullable Instant nextRun,
        @Nullable Instant lastRun,
        @Nullable String lastOutcome) {
      return new Job(
          j.id(),
          j.chat(),
          j.schedule(),
          j.zone(),
          j.prompt(),
          j.sharedConversation(),
          paused,
          nextRun,
          j.createdBy(),
          j.createdAt(),
          lastRun,
          lastOutcome);
    }
  }

  private static final class MemoryCursors implements Cursors {
    private record Key(String platform, String name) {}

    private final Map<Key, String> values = new HashMap<>();

    @Override
    public synchronized Optional<String> get(String platform, String name) {
      return Optional.ofNullable(values.get(new Key(platform, name)));
    }

    @Override
    public synchronized void put(String platform, String name, String value) {
      values.put(new Key(platform, name), value);
    }
  }

  private static final class MemoryConversations implements Conversations {
    private record Conversation(String sessionKey, int generation) {}

    private record Setting(String sessionKey, String name) {}

    /** A transcript line and the command that hid it, if one did. */
    private static final class Entry {
      final Line line;
      String undoneBy;

      Entry(Line line) {
        this.line = line;
      }
    }

    private final Clock clock;
    private final Map<String, Integer> generations = new HashMap<>();
    private final Map<Conversation, List<Entry>> transcripts = new HashMap<>();
    private final Map<Setting, String> settings = new HashMap<>();
    private final Map<Conversation, Usage> usage = new HashMap<>();

    MemoryConversations(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized int generation(String sessionKey) {
      return generations.getOrDefault(sessionKey, 0);
    }

    @Override
    public synchronized int startNew(String sessionKey) {
      return generations.merge(sessionKey, 1, Integer::sum);
    }

    @Override
    public synchronized void append(String sessionKey, int generation, String role, String text) {
      transcripts
          .computeIfAbsent(new Conversation(sessionKey, generation), k -> new ArrayList<>())
          .add(new Entry(new Line(role, text, clock.instant())));
    }

    @Override
    public synchronized List<Line> lines(String sessionKey, int generation, int limit) {
      List<Line> all = transcript(sessionKey, generation).stream()
          .filter(e -> e.undoneBy == null)
          .map(e -> e.line)
          .toList();
      return List.copyOf(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    @Override
    public synchronized List<Line> hideLastExchange(
        String sessionKey, int generation, String byKey) {
      List<Entry> all = transcript(sessionKey, generation);
      List<Line> already =
          all.stream().filter(e -> byKey.equals(e.undoneBy)).map(e -> e.line).toList();
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

    private List<Entry> transcript(String sessionKey, int generation) {
      return transcripts.getOrDefault(new Conversation(sessionKey, generation), List.of());
    }

    @Override
    public synchronized Optional<String> setting(String sessionKey, String name) {
      return Optional.ofNullable(settings.get(new Setting(sessionKey, name)));
    }

    @Override
    public synchronized Map<String, String> settings(String sessionKey) {
      Map<String, String> out = new TreeMap<>();
      settings.forEach((k, v) -> {
        if (k.sessionKey().equals(sessionKey)) {
          out.put(k.name(), v);
        }
      });
      return out;
    }

    @Override
    public synchronized void setSetting(String sessionKey, String name, String value) {
      if (value == null) {
        settings.remove(new Setting(sessionKey, name));
      } else {
        settings.put(new Setting(sessionKey, name), value);
      }
    }

    @Override
    public synchronized Map<String, String> settingsNamed(String name) {
      Map<String, String> out = new TreeMap<>();
      settings.forEach((k, v) -> {
        if (k.name().equals(name)) {
          out.put(k.sessionKey(), v);
        }
      });
      return out;
    }

    @Override
    public synchronized void addUsage(
        String sessionKey, int generation, long tokensIn, long tokensOut) {
      usage.merge(
          new Conversation(sessionKey, generation),
          new Usage(1, tokensIn, tokensOut),
          MemoryConversations::sum);
    }

    @Override
    public synchronized Usage usage(String sessionKey, int generation) {
      return usage.getOrDefault(new Conversation(sessionKey, generation), Usage.NONE);
    }

    @Override
    public synchronized Usage totalUsage(String sessionKey) {
      return usage.entrySet().stream()
          .filter(e -> e.getKey().sessionKey().equals(sessionKey))
          .map(Map.Entry::getValue)
          .reduce(Usage.NONE, MemoryConversations::sum);
    }

    @Override
    public synchronized int pruneLinesBefore(Instant before, int limit) {
      List<Entry> all = new ArrayList<>();
      transcripts.values().forEach(all::addAll);
      Set<Entry> old = all.stream()
          .filter(e -> e.line.at().isBefore(before))
          .sorted(Comparator.comparing(e -> e.line.at()))
          .limit(limit)
          .collect(Collectors.toSet());
      transcripts.values().forEach(lines -> lines.removeAll(old));
      return old.size();
    }

    @Override
    public synchronized int pruneLinesBeyond(int keep, int limit) {
      int left = limit;
      for (List<Entry> lines : transcripts.values()) {
        int drop = Math.min(left, Math.max(0, lines.size() - keep));
        lines.subList(0, drop).clear();
        left -= drop;
      }
      return limit - left;
    }

    private static Usage sum(Usage a, Usage b) {
      return new Usage(
          a.turns() + b.turns(), a.tokensIn() + b.tokensIn(), a.tokensOut() + b.tokensOut());
    }
  }

  private static final class MemoryPairings implements Pairings {
    private record CodeKey(String platform, String code) {}

    private record UserKey(String platform, String userId) {}

    private final Map<CodeKey, Code> codes = new LinkedHashMap<>();
    private final Map<UserKey, Approval> approvals = new LinkedHashMap<>();

    @Override
    public synchronized void addCode(Code code) {
      if (codes.putIfAbsent(new CodeKey(code.platform(), code.code()), code) != null) {
        throw new StoreException("pairing code " + code.code() + " exists already", null);
      }
    }

    @Override
    public synchronized Optional<Code> findCode(String platform, String code) {
      return Optional.ofNullable(codes.get(new CodeKey(platform, code)));
    }

    @Override
    public synchronized List<Code> pending(String platform, Instant now) {
      return codes.values().stream()
          .filter(c -> c.platform().equals(platform)
              && c.usedAt() == null
              && c.expiresAt().isAfter(now))
          .sorted(Comparator.comparing(Code::createdAt))
          .toList();
    }

    @Override
    public synchronized Approval redeem(Code code, Instant now) {
      CodeKey key = new CodeKey(code.platform(), code.code());
      Code current = codes.get(key);
      if (current == null || current.usedAt() != null) {
        throw new StoreException("pairing code " + code.code() + " was already used", null);
      }
      codes.put(
          key,
          new Code(
              code.platform(),
              code.code(),
              code.userId(),
              code.chatId(),
              code.displayName(),
              code.createdAt(),
              code.expiresAt(),
              now));
      Approval a = new Approval(code.platform(), code.userId(), code.displayName(), now);
      approvals.put(new UserKey(code.platform(), code.userId()), a);
      return a;
    }

    @Override
    public synchronized boolean approved(String platform, String userId) {
      return approvals.containsKey(new UserKey(platform, userId));
    }

    @Override
    public synchronized List<Approval> approvals(String platform) {
      return approvals.values().stream()
          .filter(a -> a.platform().equals(platform))
          .sorted(Comparator.comparing(Approval::approvedAt))
          .toList();
    }

    @Override
    public synchronized boolean revoke(String platform, String userId) {
      return approvals.remove(new UserKey(platform, userId)) != null;
    }

    @Override
    public synchronized int deleteExpired(Instant now) {
      int before = codes.size();
      codes.values().removeIf(c -> c.usedAt() == null && !c.expiresAt().isAfter(now));
      return before - codes.size();
    }
  }

  private static final class Journal implements InboundJournal {
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** When each entry last changed, by dedupe key. */
    private final Map<String, Instant> changed = new HashMap<>();

    private final AtomicLong ids = new AtomicLong();

    Journal(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized boolean record(InboundMessage m) {
      if (entries.containsKey(m.dedupeKey())) {
        return false;
      }
      put(m.dedupeKey(), new Entry(ids.incrementAndGet(), m, Status.PENDING, null, 0));
      return true;
    }

    @Override
    public synchronized boolean recordRefused(MessageRef m, String senderId, String outcome) {
      String key = m.chat().platform() + ":" + m.chat().chatId() + ":" + m.messageId();
      if (entries.containsKey(key)) {
        return false;
      }
      InboundMessage withoutText = new InboundMessage(
          m.chat(), m.messageId(), new Sender(senderId, null), "", false, clock.instant());
      put(key, new Entry(ids.incrementAndGet(), withoutText, Status.DONE, outcome, 0));
      return true;
    }

    @Override
    public synchronized boolean unfinished(MessageRef m) {
      Entry e = entries.get(m.chat().platform() + ":" + m.chat().chatId() + ":" + m.messageId());
      return e != null && e.status() != Status.DONE;
    }

    @Override
    public synchronized boolean knowsChat(String platform, String chatId) {
      return entries.values().stream()
          .anyMatch(e -> e.message().chat().platform().equals(platform)
              && e.message().chat().chatId().equals(chatId)
              && (e.outcome() == null || !REFUSALS.contains(e.outcome())));
    }

    private void put(String key, Entry e) {
      entries.put(key, e);
      changed.put(key, clock.instant());
    }

    @Override
    public synchronized int markRunning(InboundMessage m) {
      Entry e = entries.get(m.dedupeKey());
      if (e == null) {
        return 1;
      }
      Entry next = new Entry(e.id(), e.message(), Status.RUNNING, null, e.attempts() + 1, null);
      put(m.dedupeKey(), next);
      return next.attempts();
    }

    @Override
    public synchronized void recordReply(InboundMessage m, String reply) {
      Entry e = entries.get(m.dedupeKey());
      if (e != null) {
        put(
            m.dedupeKey(),
            new Entry(e.id(), e.message(), e.status(), e.outcome(), e.attempts(), reply));
      }
    }

    @Override
    public synchronized void recordAttachments(InboundMessage m) {
      Entry e = entries.get(m.dedupeKey());
      if (e != null) {
        put(
            m.dedupeKey(),
            new Entry(
                e.id(),
                e.message().withAttachments(m.attachments()),
                e.status(),
                e.outcome(),
                e.attempts(),
                e.reply()));
      }
    }

    @Override
    public synchronized Set<String> storedAttachments() {
      return entries.values().stream()
          .flatMap(e -> e.message().attachments().stream())
          .map(Attachment::sha256)
          .filter(Objects::nonNull)
          .collect(Collectors.toSet());
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
        put(
            m.dedupeKey(),
            new Entry(e.id(), e.message(), status, outcome, e.attempts(), e.reply()));
      }
    }

    @Override
    public synchronized List<Entry> unfinished() {
      return entries.values().stream().filter(e -> e.status() != Status.DONE).toList();
    }

    synchronized Set<String> unfinishedKeys() {
      return unfinished().stream().map(e -> e.message().dedupeKey()).collect(Collectors.toSet());
    }

    @Override
    public synchronized int pruneDone(Instant before, int limit) {
      List<String> old = entries.entrySet().stream()
          .filter(e ->
              e.getValue().status() == Status.DONE && changed.get(e.getKey()).isBefore(before))
          .map(Map.Entry::getKey)
          .sorted(Comparator.comparing(changed::get))
          .limit(limit)
          .toList();
      old.forEach(k -> {
        entries.remove(k);
        changed.remove(k);
      });
      return old.size();
    }
  }

  private static final class MemoryOutbox implements Outbox {
    private final Clock clock;
    private final Journal journal;
    private final Map<String, Entry> byKey = new LinkedHashMap<>();
    /** When each entry last changed, by key. */
    private final Map<String, Instant> changed = new HashMap<>();

    private final AtomicLong ids = new AtomicLong();

    MemoryOutbox(Clock clock, Journal journal) {
      this.clock = clock;
      this.journal = journal;
    }

    @Override
    public synchronized Entry claim(String key, ChatRef chat, String text, String inboundKey) {
      return byKey.computeIfAbsent(key, k -> {
        changed.put(k, clock.instant());
        return new Entry(
            ids.incrementAndGet(), k, chat, text, Status.PENDING, null, false, inboundKey);
      });
    }

    @Override
    public synchronized Optional<Entry> claimNewAsSending(
        String key, ChatRef chat, String text, String inboundKey) {
      if (byKey.containsKey(key)) {
        return Optional.empty();
      }
      Entry entry = new Entry(
          ids.incrementAndGet(), key, chat, text, Status.SENDING, null, false, inboundKey);
      byKey.put(key, entry);
      changed.put(key, clock.instant());
      return Optional.of(entry);
    }

    @Override
    public synchronized Optional<Entry> find(String key) {
      return Optional.ofNullable(byKey.get(key));
    }

    private void update(long id, Status status, String messageId, String text, Boolean complete) {
      for (Map.Entry<String, Entry> e : byKey.entrySet()) {
        Entry o = e.getValue();
        if (o.id() == id) {
          e.setValue(new Entry(
              o.id(),
              o.key(),
              o.chat(),
              text == null ? o.text() : text,
              status,
              messageId == null ? o.platformMessageId() : messageId,
              complete == null ? o.complete() : complete,
              o.inboundKey()));
          changed.put(o.key(), clock.instant());
          return;
        }
      }
    }

    @Override
    public synchronized void markSending(long id, String text) {
      update(id, Status.SENDING, null, text, null);
    }

    @Override
    public synchronized void markSent(
        long id, String platformMessageId, String text, boolean complete) {
      update(id, Status.SENT, platformMessageId, text, complete);
    }

    @Override
    public synchronized void markFailed(long id, String reason) {
      update(id, Status.FAILED, null, null, null);
    }

    @Override
    public synchronized boolean markUndelivered(
        String platform, String platformMessageId, String reason) {
      for (Entry e : byKey.values()) {
        if (e.status() == Status.SENT
            && e.chat().platform().equals(platform)
            && platformMessageId.equals(e.platformMessageId())) {
          update(e.id(), Status.FAILED, null, null, null);
          return true;
        }
      }
      return false;
    }

    @Override
    public synchronized void markUnknown(long id, String reason) {
      update(id, Status.UNKNOWN, null, null, null);
    }

    @Override
    public synchronized List<Entry> forInbound(String inboundKey) {
      return byKey.values().stream()
          .filter(e -> inboundKey.equals(e.inboundKey()))
          .sorted(Comparator.comparing(Entry::key))
          .toList();
    }

    @Override
    public synchronized int pruneSettled(Instant before, int limit) {
      Set<String> awaited = journal.unfinishedKeys();
      List<String> old = byKey.values().stream()
          .filter(e -> (e.status() == Status.SENT || e.status() == Status.FAILED)
              && changed.get(e.key()).isBefore(before)
              && (e.inboundKey() == null || !awaited.contains(e.inboundKey())))
          .map(Entry::key)
          .sorted(Comparator.comparing(changed::get))
          .limit(limit)
          .toList();
      old.forEach(k -> {
        byKey.remove(k);
        changed.remove(k);
      });
      return old.size();
    }
  }
}

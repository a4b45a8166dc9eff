package dev.switchboard.platform.email;

import dev.switchboard.platform.PlatformContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a reply needs to join its thread: the subject and the Message-IDs to name in
 * In-Reply-To and References, for the threads mail came in lately. Kept in the store (as a
 * cursor) before the mail is journaled, so an answer after a restart, or from the next gateway,
 * threads as well as one at once. The threads written to least recently are forgotten first: a
 * reply to one of those starts a new thread in the recipient's mail client, nothing is lost.
 */
final class MailThreads {
  private static final Logger log = LoggerFactory.getLogger(MailThreads.class);
  static final String CURSOR = "email.threads";
  static final int KEPT = 300;
  /** References kept per thread: its first mail and the latest few (RFC 5322 allows trimming). */
  static final int REFERENCES = 8;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A thread: its subject, without "Re:", and its Message-IDs, oldest first. */
  record MailThread(String subject, List<String> references) {
    MailThread {
      references = List.copyOf(references);
    }

    /** The mail a reply answers: the latest one. */
    String last() {
      return references.getLast();
    }
  }

  /** The bot's own mails remembered with their thread: 2 per thread kept. */
  static final int SENT_KEPT = 2 * KEPT;

  private final PlatformContext context;
  private final LinkedHashMap<String, MailThread> byRoot = new LinkedHashMap<>();
  /** "chatId sentId" to the root of the thread the bot's mail went to. */
  private final LinkedHashMap<String, String> sentRoots = new LinkedHashMap<>();

  private MailThreads(PlatformContext context) {
    this.context = context;
  }

  static MailThreads load(PlatformContext context) {
    MailThreads threads = new MailThreads(context);
    context.loadCursor(CURSOR).ifPresent(saved -> threads.read(saved));
    return threads;
  }

  private void read(String saved) {
    try {
      JsonNode all = JSON.readTree(saved);
      for (JsonNode sent : all.path("sent")) {
        sentRoots.put(sent.path("key").asString(), sent.path("root").asString());
      }
      for (JsonNode t : all.path("threads")) {
        List<String> refs = new ArrayList<>();
        t.path("references").forEach(r -> refs.add(r.asString()));
        if (!refs.isEmpty()) {
          byRoot.put(
              t.path("root").asString(), new MailThread(t.path("subject").asString(""), refs));
        }
      }
    } catch (JacksonException e) {
      log.warn(
          "email: the kept threads could not be read; replies start new threads: {}",
          e.getOriginalMessage());
    }
  }

  /**
   * A thread as one sender sees it: two people writing in one thread are two conversations, and
   * a reply to one names the mail that one wrote.
   */
  static String key(String chatId, String root) {
    return chatId + " " + root;
  }

  /** Notes the latest mail of a thread ({@link #key}), and keeps it in the store. */
  synchronized void remember(String root, String subject, List<String> references) {
    List<String> kept = new ArrayList<>(references);
    if (kept.size() > REFERENCES) {
      List<String> trimmed = new ArrayList<>();
      trimmed.add(kept.getFirst());
      trimmed.addAll(kept.subList(kept.size() - (REFERENCES - 1), kept.size()));
      kept = trimmed;
    }
    MailThread known = byRoot.remove(root);
    String s = subject.isEmpty() && known != null ? known.subject() : subject;
    byRoot.put(root, new MailThread(s, kept));
    while (byRoot.size() > KEPT) {
      byRoot.remove(byRoot.keySet().iterator().next());
    }
    context.saveCursor(CURSOR, write());
  }

  synchronized Optional<MailThread> get(String root) {
    return Optional.ofNullable(byRoot.get(root));
  }

  /**
   * Notes a mail the bot sent to {@code chatId} in the thread of {@code root}: a client that
   * answers it naming only it (In-Reply-To without References) is then still in the thread.
   */
  synchronized void sent(String chatId, String root, String sentId) {
    String key = chatId + " " + sentId;
    sentRoots.remove(key);
    sentRoots.put(key, root);
    while (sentRoots.size() > SENT_KEPT) {
      sentRoots.remove(sentRoots.keySet().iterator().next());
    }
    context.saveCursor(CURSOR, write());
  }

  /** The thread a mail of the bot's to {@code chatId} went to, if it is remembered. */
  synchronized Optional<String> rootOfSent(String chatId, String sentId) {
    return Optional.ofNullable(sentRoots.get(chatId + " " + sentId));
  }

  private String write() {
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode sent = doc.putArray("sent");
    sentRoots.forEach((k, r) -> sent.addObject().put("key", k).put("root", r));
    ArrayNode all = doc.putArray("threads");
    for (Map.Entry<String, MailThread> e : byRoot.entrySet()) {
      ObjectNode t =
          all.addObject().put("root", e.getKey()).put("subject", e.getValue().subject());
      ArrayNode refs = t.putArray("references");
      e.getValue().references().forEach(refs::add);
    }
    return JSON.writeValueAsString(doc);
  }
}

package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever happened to a conversation (messages, edits on disk and in memory, flushes, restarts,
 * crashes that cut a line in half) and however small the pages, the windows and the cache: the
 * pages read newest first and put together as the page does (a message already shown keeps its
 * text and moves to the older place) show what reading the whole file at once showed, in that
 * order with those texts.
 */
class ChatLogsPagingPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String CHAT = "c1";

  sealed interface Action permits Add, Edit, Flush, Restart, Crash {}

  record Add(boolean user, int length) implements Action {}

  record Edit(int target, boolean inMemory, int length) implements Action {}

  record Flush() implements Action {}

  /** A clean stop: what memory held is written, and a new process reads the files. */
  record Restart() implements Action {}

  /** A kill in the middle of writing a line: memory is lost and the line is cut off. */
  record Crash(int cut) implements Action {}

  @Provide
  Arbitrary<List<Action>> actions() {
    Arbitrary<Action> add = Combinators.combine(
            Arbitraries.of(true, false), Arbitraries.integers().between(0, 30))
        .as(Add::new);
    Arbitrary<Action> edit = Combinators.combine(
            Arbitraries.integers().between(0, 1000),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(0, 30))
        .as(Edit::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, add),
            Tuple.of(5, edit),
            Tuple.of(2, Arbitraries.just(new Flush())),
            Tuple.of(1, Arbitraries.just(new Restart())),
            Tuple.of(1, Arbitraries.integers().between(1, 40).map(Crash::new)))
        .list()
        .ofMaxSize(40);
  }

  /** What a reader of the whole file saw: first-seen order, the newest text. */
  private static final class Model {
    final Map<String, WebMessage> shown = new LinkedHashMap<>();
    final Map<String, WebMessage> onDisk = new LinkedHashMap<>();
  }

  private static String text(int n, int length) {
    // Multi-byte characters, so that byte offsets and character counts differ.
    return "m" + n + " " + "\u00e9\u20ac\uD83D\uDE00 x".repeat(length / 5) + "y".repeat(length % 5);
  }

  @Property(tries = 400)
  void thePagesPutTogetherShowTheWholeConversation(
      @ForAll("actions") List<Action> actions,
      @ForAll @IntRange(min = 1, max = 5) int pageSize,
      @ForAll @IntRange(min = 1, max = 6) int windowMessages,
      @ForAll @IntRange(min = 200, max = 4_000) int pageBytes,
      @ForAll boolean tinyCache)
      throws IOException {
    Path dir = Files.createTempDirectory("chatlogs-property");
    try {
      ChatLog.Limits limits = new ChatLog.Limits(windowMessages, pageBytes, 600);
      long cache = tinyCache ? 0 : 1 << 20;
      Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
      ChatLogs logs = new ChatLogs(dir, clock, limits, cache);
      logs.load();
      logs.add(CHAT, new WebMessage("u-0", WebMessage.USER, "first", T0));
      Model model = new Model();
      model.shown.put("u-0", new WebMessage("u-0", WebMessage.USER, "first", T0));
      model.onDisk.putAll(model.shown);
      int n = 1;
      for (Action action : actions) {
        switch (action) {
          case Add a -> {
            String id = (a.user() ? "u-" : "a-") + n;
            WebMessage m = new WebMessage(
                id,
                a.user() ? WebMessage.USER : WebMessage.AGENT,
                text(n, a.length()),
                T0.plusSeconds(n));
            logs.add(CHAT, m);
            model.shown.put(id, m);
            model.onDisk.put(id, m);
            assertThat(logs.has(CHAT, id)).isTrue();
          }
          case Edit e -> {
            List<String> ids = new ArrayList<>(model.shown.keySet());
            String id = ids.get(e.target() % ids.size());
            WebMessage before = model.shown.get(id);
            WebMessage after = new WebMessage(id, before.role(), text(n, e.length()), before.at());
            assertThat(logs.edit(
                    CHAT, id, after.text(), after.markup(), T0.plusSeconds(n), e.inMemory()))
                .hasValue(after);
            model.shown.put(id, after);
            if (!e.inMemory()) {
              model.onDisk.put(id, after);
            }
          }
          case Flush f -> {
            logs.flush(CHAT);
            model.onDisk.putAll(model.shown);
          }
          case Restart r -> {
            logs.flushAll();
            model.onDisk.putAll(model.shown);
            logs = new ChatLogs(dir, clock, limits, cache);
            logs.load();
          }
          case Crash c -> {
            String line =
                ChatLine.message(new WebMessage("u-torn" + n, WebMessage.USER, text(n, 30), T0));
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Files.write(
                dir.resolve(CHAT + ".jsonl"),
                Arrays.copyOf(bytes, Math.min(c.cut(), bytes.length - 2)),
                StandardOpenOption.APPEND);
            model.shown.clear();
            model.shown.putAll(model.onDisk);
            logs = new ChatLogs(dir, clock, limits, cache);
            logs.load();
          }
        }
        n++;
      }
      assertThat(readAsThePageDoes(logs, pageSize)).containsExactlyElementsOf(model.shown.values());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** The newest page, then older ones until the start, merged as app.js merges them. */
  private static List<WebMessage> readAsThePageDoes(ChatLogs logs, int pageSize) {
    MessagePage page = logs.page(CHAT, null, pageSize).orElseThrow();
    List<WebMessage> shown = new ArrayList<>(page.messages());
    Long before = page.before();
    while (before != null) {
      page = logs.page(CHAT, before, pageSize).orElseThrow();
      List<WebMessage> older = new ArrayList<>();
      for (WebMessage m : page.messages()) {
        WebMessage known =
            shown.stream().filter(s -> s.id().equals(m.id())).findFirst().orElse(null);
        if (known != null) {
          shown.remove(known);
          older.add(known);
        } else {
          older.add(m);
        }
      }
      shown.addAll(0, older);
      if (page.before() != null) {
        assertThat(page.before()).as("each page moves back").isLessThan(before);
      }
      before = page.before();
    }
    return shown;
  }
}

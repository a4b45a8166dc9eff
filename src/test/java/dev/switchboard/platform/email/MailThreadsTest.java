package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.email.MailThreads.MailThread;
import dev.switchboard.testing.StubPlatformContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The threads replies join, kept in the store across restarts. */
class MailThreadsTest {
  private final StubPlatformContext context = new StubPlatformContext();

  @Test
  void aRememberedThreadIsThere() {
    MailThreads threads = MailThreads.load(context);
    assertThat(threads.get("a@x")).isEmpty();
    threads.remember("a@x", "Deploy?", List.of("a@x", "b@x"));
    MailThread t = threads.get("a@x").orElseThrow();
    assertThat(t.subject()).isEqualTo("Deploy?");
    assertThat(t.references()).containsExactly("a@x", "b@x");
    assertThat(t.last()).isEqualTo("b@x");
    assertThat(threads.get("b@x")).isEmpty();
  }

  @Test
  void theLatestMailOfAThreadReplacesTheEarlierAndAnEmptySubjectKeepsTheOld() {
    MailThreads threads = MailThreads.load(context);
    threads.remember("a@x", "Deploy?", List.of("a@x"));
    threads.remember("a@x", "", List.of("a@x", "b@x", "c@x"));
    MailThread t = threads.get("a@x").orElseThrow();
    assertThat(t.subject()).isEqualTo("Deploy?");
    assertThat(t.last()).isEqualTo("c@x");
    threads.remember("a@x", "Deploy now", List.of("a@x", "d@x"));
    assertThat(threads.get("a@x").orElseThrow())
        .isEqualTo(new MailThread("Deploy now", List.of("a@x", "d@x")));
  }

  @Test
  void threadsSurviveARestart() {
    MailThreads before = MailThreads.load(context);
    before.remember("a@x", "Deploy?", List.of("a@x", "b@x"));
    before.remember("p@y", "Other \"quoted\" subject", List.of("p@y"));
    assertThat(context.loadCursor(MailThreads.CURSOR)).isPresent();

    MailThreads after = MailThreads.load(context);
    assertThat(after.get("a@x")).contains(new MailThread("Deploy?", List.of("a@x", "b@x")));
    assertThat(after.get("p@y"))
        .contains(new MailThread("Other \"quoted\" subject", List.of("p@y")));
  }

  @Test
  void theThreadsWrittenLeastRecentlyAreForgottenFirst() {
    MailThreads threads = MailThreads.load(context);
    for (int i = 0; i < MailThreads.KEPT; i++) {
      threads.remember("t" + i, "s" + i, List.of("t" + i));
    }
    threads.remember("t0", "", List.of("t0", "reply"));
    threads.remember("new", "fresh", List.of("new"));

    assertThat(threads.get("t1")).isEmpty();
    assertThat(threads.get("t0")).isPresent();
    assertThat(threads.get("t2")).isPresent();
    assertThat(threads.get("new")).isPresent();
    int kept = (int) IntStream.range(0, MailThreads.KEPT)
        .filter(i -> threads.get("t" + i).isPresent())
        .count();
    assertThat(kept).isEqualTo(MailThreads.KEPT - 1);

    MailThreads reloaded = MailThreads.load(context);
    assertThat(reloaded.get("t1")).isEmpty();
    assertThat(reloaded.get("t0").orElseThrow().last()).isEqualTo("reply");
    assertThat(reloaded.get("new")).isPresent();
  }

  @Test
  void aLongThreadKeepsItsFirstAndLatestReferences() {
    List<String> refs = new ArrayList<>();
    for (int i = 1; i <= MailThreads.REFERENCES + 5; i++) {
      refs.add("m" + i);
    }
    MailThreads threads = MailThreads.load(context);
    threads.remember("m1", "long", refs);
    List<String> kept = threads.get("m1").orElseThrow().references();
    assertThat(kept).hasSize(MailThreads.REFERENCES);
    assertThat(kept.getFirst()).isEqualTo("m1");
    assertThat(kept.subList(1, kept.size()))
        .isEqualTo(refs.subList(refs.size() - (MailThreads.REFERENCES - 1), refs.size()));
    assertThat(kept.getLast()).isEqualTo("m" + (MailThreads.REFERENCES + 5));
    assertThat(MailThreads.load(context).get("m1").orElseThrow().references()).isEqualTo(kept);
  }

  @Test
  void aThreadOfExactlyTheLimitIsKeptWhole() {
    List<String> refs = new ArrayList<>();
    for (int i = 1; i <= MailThreads.REFERENCES; i++) {
      refs.add("m" + i);
    }
    MailThreads threads = MailThreads.load(context);
    threads.remember("m1", "s", refs);
    assertThat(threads.get("m1").orElseThrow().references()).isEqualTo(refs);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json at all",
        "[{\"root\": \"a@x\", \"references\": [",
        "{\"root\": \"a@x\"}",
        "[1, null, \"x\"]",
        "[{\"root\": \"a@x\", \"subject\": \"s\", \"references\": \"a@x\"}]",
        ""
      })
  void aCorruptCursorIsIgnored(String saved) {
    context.saveCursor(MailThreads.CURSOR, saved);
    MailThreads threads = MailThreads.load(context);
    assertThat(threads.get("a@x")).isEmpty();
    threads.remember("b@x", "s", List.of("b@x"));
    assertThat(MailThreads.load(context).get("b@x")).isPresent();
  }
}

package dev.switchboard.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.Sender;
import dev.switchboard.testing.InMemoryStore;
import dev.switchboard.testing.ManualClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PairingTest {
  private final InMemoryStore store = new InMemoryStore();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-27T10:00:00Z"));
  private final Pairing pairing =
      new Pairing(store.pairings(), new PairingCodes(new SecureRandom()), clock);

  private static InboundMessage dm(String user) {
    return new InboundMessage(
        ChatRef.of("telegram", user),
        "m" + user,
        new Sender(user, "U" + user),
        "hi",
        false,
        Instant.EPOCH);
  }

  private String codeOf(InboundMessage m) {
    return ((Pairing.Reply.Code) pairing.codeFor(m)).code();
  }

  @Test
  void codesAreEightUnambiguousCharacters() {
    PairingCodes codes = new PairingCodes(new SecureRandom());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      String c = codes.next();
      assertThat(c).hasSize(8).matches("[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{8}");
      seen.add(c);
    }
    assertThat(seen).hasSize(2000);
    assertThat(PairingCodes.normalize(" abcd-2345 ")).isEqualTo("ABCD2345");
  }

  @Test
  void aUserKeepsTheSameCodeUntilItExpires() {
    String first = codeOf(dm("1"));
    clock.advance(Duration.ofMinutes(30));
    assertThat(codeOf(dm("1"))).isEqualTo(first);
    clock.advance(Duration.ofMinutes(31));
    assertThat(codeOf(dm("1"))).isNotEqualTo(first);
  }

  @Test
  void aStrangerWhoWritesAgainFromAnyChatKeepsTheirOneCode() {
    String first = codeOf(dm("1"));
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(2));
      InboundMessage again = new InboundMessage(
          ChatRef.of("telegram", "chat-" + i),
          "again-" + i,
          new Sender("1", "U1"),
          "let me in",
          false,
          Instant.EPOCH);
      assertThat(codeOf(again)).isEqualTo(first);
    }
    assertThat(store.pairings().pending("telegram", clock.instant()))
        .extracting(c -> c.userId())
        .containsExactly("1");
  }

  @Test
  void aStrangerWritingFromManyThreadsAtOnceGetsOneCode() throws Exception {
    int threads = 16;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<String>> codes = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < threads; i++) {
        codes.add(pool.submit(() -> {
          go.await();
          return codeOf(dm("1"));
        }));
      }
      go.countDown();
      Set<String> distinct = new HashSet<>();
      for (Future<String> c : codes) {
        distinct.add(c.get());
      }
      assertThat(distinct).hasSize(1);
    }
    assertThat(store.pairings().pending("telegram", clock.instant())).hasSize(1);
  }

  @Test
  void aHandfulOfStrangersRenewingTheirCodesCannotBlockANewcomer() {
    for (int hour = 0; hour < 5; hour++) {
      for (int i = 0; i < 50; i++) {
        assertThat(pairing.codeFor(dm("stranger-" + i))).isInstanceOf(Pairing.Reply.Code.class);
      }
      clock.advance(Pairing.EXPIRY.plusSeconds(1));
    }
    for (int i = 0; i < 50; i++) {
      pairing.codeFor(dm("stranger-" + i));
    }
    assertThat(store.pairings().pending("telegram", clock.instant())).hasSize(50);
    assertThat(pairing.codeFor(dm("newcomer"))).isInstanceOf(Pairing.Reply.Code.class);
  }

  @Test
  void atMostAFewCodesWaitAtOnce() {
    for (int i = 0; i < Pairing.MAX_PENDING; i++) {
      assertThat(pairing.codeFor(dm("u" + i))).isInstanceOf(Pairing.Reply.Code.class);
    }
    assertThat(pairing.codeFor(dm("one-too-many"))).isInstanceOf(Pairing.Reply.Busy.class);
    assertThat(pairing.codeFor(dm("u0")))
        .as("a stranger who has a code still gets it back")
        .isInstanceOf(Pairing.Reply.Code.class);
    InboundMessage elsewhere = new InboundMessage(
        ChatRef.of("discord", "d1"), "d1", new Sender("d1", "D"), "hi", false, Instant.EPOCH);
    assertThat(pairing.codeFor(elsewhere))
        .as("the cap is per platform")
        .isInstanceOf(Pairing.Reply.Code.class);
    clock.advance(Pairing.EXPIRY.plusSeconds(1));
    assertThat(pairing.codeFor(dm("one-too-many"))).isInstanceOf(Pairing.Reply.Code.class);
  }

  @Test
  void approvalLetsTheUserInOnceAndOnlyWhileValid() {
    String code = codeOf(dm("7"));
    assertThat(pairing.approve("telegram", code.toLowerCase()))
        .isInstanceOf(Pairing.Approval.Approved.class);
    assertThat(store.pairings().approved("telegram", "7")).isTrue();
    assertThat(pairing.approve("telegram", code)).isInstanceOf(Pairing.Approval.AlreadyUsed.class);
    assertThat(pairing.approve("slack", code)).isInstanceOf(Pairing.Approval.Unknown.class);
    assertThat(pairing.approve("telegram", "ZZZZZZZZ"))
        .isInstanceOf(Pairing.Approval.Unknown.class);
  }

  @Test
  void anExpiredCodeIsRefused() {
    String code = codeOf(dm("8"));
    clock.advance(Pairing.EXPIRY);
    assertThat(pairing.approve("telegram", code)).isInstanceOf(Pairing.Approval.Expired.class);
    assertThat(store.pairings().approved("telegram", "8")).isFalse();
  }

  @Test
  void theAuthorizerFollowsApprovalsAndRevocations() {
    Authorizer auth = new Authorizer(AccessPolicy.denyAll(), store.pairings());
    InboundMessage m = dm("9");
    assertThat(auth.decide(m)).isEqualTo(Authorizer.Decision.PAIR);
    pairing.approve("telegram", codeOf(m));
    assertThat(auth.decide(m)).isEqualTo(Authorizer.Decision.ALLOWED);
    store.pairings().revoke("telegram", "9");
    assertThat(auth.decide(m)).isEqualTo(Authorizer.Decision.PAIR);
    InboundMessage inGroup = new InboundMessage(
        ChatRef.of("telegram", "-100"), "g1", new Sender("9", "U"), "hi", true, Instant.EPOCH);
    assertThat(auth.decide(inGroup)).isEqualTo(Authorizer.Decision.IGNORE);
  }
}

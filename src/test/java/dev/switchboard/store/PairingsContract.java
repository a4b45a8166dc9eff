package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.store.Pairings.Approval;
import dev.switchboard.store.Pairings.Code;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link Pairings}: codes that expire and are used once, and the approvals they lead to. */
abstract class PairingsContract extends StorePartContract {
  private static final Duration HOUR = Duration.ofHours(1);

  private Pairings pairings() {
    return store.pairings();
  }

  private static Code code(
      String platform, String code, String user, Instant createdAt, Instant expiresAt) {
    return new Code(
        platform, code, user, "chat-" + user, "User " + user, createdAt, expiresAt, null);
  }

  private static Code code(String code, String user) {
    return code("telegram", code, user, T0, T0.plus(HOUR));
  }

  @Test
  void aCodeIsFoundOnItsPlatformOnly() {
    Code c = code("ABCD2345", "99");
    pairings().addCode(c);

    assertThat(pairings().findCode("telegram", "ABCD2345")).hasValue(c);
    assertThat(pairings().findCode("discord", "ABCD2345")).isEmpty();
    assertThat(pairings().findCode("telegram", "ZZZZ2345")).isEmpty();
  }

  @Test
  void aCodeThatExistsIsNeverReplaced() {
    pairings().addCode(code("ABCD2345", "1"));

    assertThatThrownBy(() -> pairings().addCode(code("ABCD2345", "2")))
        .isInstanceOf(StoreException.class);
    assertThat(pairings().findCode("telegram", "ABCD2345").orElseThrow().userId())
        .isEqualTo("1");
    pairings().addCode(code("discord", "ABCD2345", "2", T0, T0.plus(HOUR)));
    assertThat(pairings().findCode("discord", "ABCD2345").orElseThrow().userId())
        .isEqualTo("2");
  }

  @Test
  void pendingCodesAreTheUnusedUnexpiredOnesOfThePlatformOldestFirst() {
    Code newer = code("telegram", "NEWER222", "1", T0.minusSeconds(600), T0.plusSeconds(3000));
    Code older = code("telegram", "OLDER222", "2", T0.minusSeconds(1200), T0.plusSeconds(2400));
    pairings().addCode(newer);
    pairings().addCode(older);
    pairings()
        .addCode(code("telegram", "GONE2222", "3", T0.minus(HOUR.multipliedBy(2)), T0.minus(HOUR)));
    pairings().addCode(code("telegram", "ENDS2222", "4", T0.minus(HOUR), T0));
    pairings().addCode(code("discord", "OTHER222", "5", T0, T0.plus(HOUR)));
    Code used = code("USED2222", "6");
    pairings().addCode(used);
    pairings().redeem(used, T0);

    assertThat(pairings().pending("telegram", T0)).containsExactly(older, newer);
    assertThat(pairings().pending("telegram", T0.plusSeconds(2400)))
        .as("at its expiry")
        .containsExactly(newer);
    assertThat(pairings().pending("telegram", T0.plus(HOUR))).isEmpty();
    assertThat(pairings().pending("discord", T0))
        .extracting(Code::code)
        .containsExactly("OTHER222");
    assertThat(pairings().pending("slack", T0)).isEmpty();
  }

  @Test
  void redeemingUsesTheCodeAndApprovesItsUser() {
    Code c = code("ABCD2345", "99");
    pairings().addCode(c);
    Instant at = T0.plusSeconds(90);

    Approval approval = pairings().redeem(c, at);

    assertThat(approval).isEqualTo(new Approval("telegram", "99", "User 99", at));
    assertThat(pairings().findCode("telegram", "ABCD2345").orElseThrow().usedAt())
        .isEqualTo(at);
    assertThat(pairings().approved("telegram", "99")).isTrue();
    assertThat(pairings().approved("discord", "99")).isFalse();
    assertThat(pairings().approvals("telegram")).containsExactly(approval);
    assertThat(pairings().pending("telegram", at)).isEmpty();
  }

  @Test
  void aCodeIsRedeemedOnceOnly() {
    Code c = code("ABCD2345", "99");
    pairings().addCode(c);
    pairings().redeem(c, T0);

    assertThatThrownBy(() -> pairings().redeem(c, T0.plusSeconds(1)))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("already used");
    assertThat(pairings().findCode("telegram", "ABCD2345").orElseThrow().usedAt())
        .isEqualTo(T0);
    assertThat(pairings().approvals("telegram"))
        .extracting(Approval::approvedAt)
        .containsExactly(T0);
  }

  @Test
  void aCodeNeverStoredCannotBeRedeemed() {
    assertThatThrownBy(() -> pairings().redeem(code("NOPE2345", "99"), T0))
        .isInstanceOf(StoreException.class);
    assertThat(pairings().approved("telegram", "99")).isFalse();
  }

  @Test
  void approvalsArePerPlatformInTheOrderTheUsersWereLastApproved() {
    Code first = code("telegram", "AAAA2222", "1", T0, T0.plus(HOUR));
    Code second = code("telegram", "BBBB2222", "2", T0, T0.plus(HOUR));
    Code elsewhere = code("discord", "CCCC2222", "3", T0, T0.plus(HOUR));
    for (Code c : new Code[] {first, second, elsewhere}) {
      pairings().addCode(c);
    }
    pairings().redeem(first, T0.plusSeconds(10));
    pairings().redeem(second, T0.plusSeconds(20));
    pairings().redeem(elsewhere, T0.plusSeconds(30));

    assertThat(pairings().approvals("telegram"))
        .extracting(Approval::userId)
        .containsExactly("1", "2");
    assertThat(pairings().approvals("discord")).extracting(Approval::userId).containsExactly("3");
    assertThat(pairings().approvals("slack")).isEmpty();

    // user 1 paired again under a new name: approved once, and now the latest approval
    Code again =
        new Code("telegram", "DDDD2222", "1", "chat-1", "Renamed", T0, T0.plus(HOUR), null);
    pairings().addCode(again);
    pairings().redeem(again, T0.plusSeconds(40));
    assertThat(pairings().approvals("telegram"))
        .containsExactly(
            new Approval("telegram", "2", "User 2", T0.plusSeconds(20)),
            new Approval("telegram", "1", "Renamed", T0.plusSeconds(40)));
  }

  @Test
  void aRevokedUserIsNoLongerApproved() {
    Code c = code("ABCD2345", "99");
    pairings().addCode(c);
    pairings().redeem(c, T0);

    assertThat(pairings().revoke("telegram", "99")).isTrue();
    assertThat(pairings().revoke("telegram", "99")).isFalse();
    assertThat(pairings().revoke("telegram", "nobody")).isFalse();
    assertThat(pairings().approved("telegram", "99")).isFalse();
    assertThat(pairings().approvals("telegram")).isEmpty();
  }

  @Test
  void expiredUnusedCodesAreForgotten() {
    pairings()
        .addCode(code("telegram", "OLD22222", "1", T0.minus(HOUR.multipliedBy(2)), T0.minus(HOUR)));
    pairings()
        .addCode(code("discord", "OLD33333", "2", T0.minus(HOUR.multipliedBy(2)), T0.minus(HOUR)));
    pairings().addCode(code("telegram", "ENDS2222", "3", T0.minus(HOUR), T0));
    pairings().addCode(code("telegram", "NEW22222", "4", T0, T0.plus(HOUR)));
    Code used = code("telegram", "USED2222", "5", T0.minus(HOUR.multipliedBy(2)), T0.minus(HOUR));
    pairings().addCode(used);
    pairings().redeem(used, T0.minus(HOUR.multipliedBy(2)));

    assertThat(pairings().deleteExpired(T0)).isEqualTo(3);

    assertThat(pairings().findCode("telegram", "OLD22222")).isEmpty();
    assertThat(pairings().findCode("discord", "OLD33333")).isEmpty();
    assertThat(pairings().findCode("telegram", "ENDS2222")).isEmpty();
    assertThat(pairings().findCode("telegram", "NEW22222")).isPresent();
    assertThat(pairings().findCode("telegram", "USED2222"))
        .as("a used code is kept")
        .isPresent();
    assertThat(pairings().deleteExpired(T0)).isZero();
  }
}

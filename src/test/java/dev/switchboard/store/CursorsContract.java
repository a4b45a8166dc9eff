package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Cursors}: named positions, one set per platform. */
abstract class CursorsContract extends StorePartContract {
  private Cursors cursors() {
    return store.cursors();
  }

  @Test
  void aCursorNeverPutIsEmpty() {
    assertThat(cursors().get("telegram", "offset")).isEmpty();
  }

  @Test
  void aCursorHoldsTheLastValuePut() {
    cursors().put("telegram", "offset", "41");
    cursors().put("telegram", "offset", "42");

    assertThat(cursors().get("telegram", "offset")).hasValue("42");
  }

  @Test
  void eachPlatformHasItsOwnCursors() {
    cursors().put("telegram", "offset", "42");
    cursors().put("discord", "offset", "7");
    cursors().put("discord", "session", "abc");

    assertThat(cursors().get("telegram", "offset")).hasValue("42");
    assertThat(cursors().get("discord", "offset")).hasValue("7");
    assertThat(cursors().get("discord", "session")).hasValue("abc");
    assertThat(cursors().get("telegram", "session")).isEmpty();
    assertThat(cursors().get("slack", "offset")).isEmpty();
  }

  @Test
  void platformAndNameAreNeverRunTogether() {
    cursors().put("a/b", "c", "first");
    cursors().put("a", "b/c", "second");

    assertThat(cursors().get("a/b", "c")).hasValue("first");
    assertThat(cursors().get("a", "b/c")).hasValue("second");
  }
}

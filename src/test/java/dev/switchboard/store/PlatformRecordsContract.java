package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.PlatformRecords;
import dev.switchboard.platform.PlatformRecords.Entry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PlatformRecords}: records by collection and key, each keeping the place it was first
 * written at, read newest first a page at a time; data up to its limit; one platform's records
 * apart from another's.
 */
abstract class PlatformRecordsContract extends StorePartContract {
  private PlatformRecords web() {
    return store.platformRecords("web");
  }

  @Test
  void aRecordIsReadBackAndAnUpdateKeepsItsPlace() {
    long first = web().put("chats", "a", "{\"title\":\"one\"}");
    long second = web().put("chats", "b", "two");
    assertThat(second).isGreaterThan(first);

    assertThat(web().put("chats", "a", "{\"title\":\"renamed\"}")).isEqualTo(first);
    assertThat(web().get("chats", "a")).contains(new Entry(first, "a", "{\"title\":\"renamed\"}"));
    assertThat(web().get("chats", "missing")).isEmpty();
    assertThat(web().before("chats", Long.MAX_VALUE, 10))
        .extracting(Entry::key)
        .containsExactly("b", "a");
  }

  @Test
  void aCollectionIsReadNewestFirstAPageAtATimeByPlace() {
    for (int i = 0; i < 7; i++) {
      web().put("chat:1", "m" + i, "text " + i);
      web().put("chat:2", "other" + i, "elsewhere");
    }
    List<String> keys = new ArrayList<>();
    long cursor = Long.MAX_VALUE;
    List<Entry> page;
    do {
      page = web().before("chat:1", cursor, 3);
      assertThat(page).hasSizeLessThanOrEqualTo(3);
      page.forEach(e -> keys.add(e.key()));
      cursor = page.isEmpty() ? cursor : page.getLast().seq();
    } while (page.size() == 3);
    assertThat(keys).containsExactly("m6", "m5", "m4", "m3", "m2", "m1", "m0");
  }

  @Test
  void onePlatformsRecordsAreNotAnothers() {
    web().put("chats", "a", "web's");
    store.platformRecords("slack").put("chats", "a", "slack's");
    assertThat(web().get("chats", "a").orElseThrow().value()).isEqualTo("web's");
    assertThat(store.platformRecords("slack").before("chats", Long.MAX_VALUE, 5))
        .extracting(Entry::value)
        .containsExactly("slack's");
  }

  @Test
  void dataIsKeptByteForByteUpToItsLimit() {
    byte[] data = new byte[PlatformRecords.MAX_DATA_BYTES];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    web().putData("files", "f:0", data);
    assertThat(web().data("files", "f:0")).hasValueSatisfying(d -> assertThat(d).isEqualTo(data));
    web().putData("files", "f:0", new byte[] {0, 1, 2});
    assertThat(web().data("files", "f:0").orElseThrow()).containsExactly(0, 1, 2);
    assertThat(web().data("files", "f:1")).isEmpty();

    assertThatThrownBy(
            () -> web().putData("files", "f:2", new byte[PlatformRecords.MAX_DATA_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + PlatformRecords.MAX_DATA_BYTES);
    assertThat(web().data("files", "f:2")).isEmpty();
  }

  @Test
  void writersAtTheSameTimeEachGetTheirOwnPlace() throws InterruptedException {
    Set<Long> places = java.util.concurrent.ConcurrentHashMap.newKeySet();
    runTogether(4, n -> {
      for (int i = 0; i < 10; i++) {
        places.add(web().put("chat:1", n + "-" + i, "x"));
      }
    });
    assertThat(places).hasSize(40);
    assertThat(new HashSet<>(web().before("chat:1", Long.MAX_VALUE, 100))).hasSize(40);
  }
}

package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.ChatRef;
import org.junit.jupiter.api.Test;

/** {@link HomeChannels}: one home per platform, the last one set. */
abstract class HomeChannelsContract extends StorePartContract {
  private HomeChannels homes() {
    return store.homeChannels();
  }

  @Test
  void noHomeUntilOneIsSet() {
    assertThat(homes().get("telegram")).isEmpty();
    assertThat(homes().all()).isEmpty();
  }

  @Test
  void theLastHomeSetOnAPlatformIsItsHome() {
    homes().set(new ChatRef("telegram", "-1005550001111", "7"));
    homes().set(ChatRef.of("telegram", "1001"));

    assertThat(homes().get("telegram")).hasValue(ChatRef.of("telegram", "1001"));
  }

  @Test
  void eachPlatformHasItsOwnHomeAndAThreadIsKept() {
    ChatRef topic = new ChatRef("telegram", "-1005550001111", "7");
    ChatRef channel = ChatRef.of("discord", "998877");
    homes().set(topic);
    homes().set(channel);

    assertThat(homes().get("telegram")).hasValue(topic);
    assertThat(homes().get("discord")).hasValue(channel);
    assertThat(homes().get("slack")).isEmpty();
    assertThat(homes().all())
        .containsOnlyKeys("discord", "telegram")
        .containsValues(topic, channel);
  }
}

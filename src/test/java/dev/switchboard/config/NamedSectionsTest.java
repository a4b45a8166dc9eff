package dev.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings of named sections: a {@code *} segment in a key's path, one value per name. */
class NamedSectionsTest {
  private static final ConfigKey<String> URL = ConfigKey.optional(
      "feeds.sources.*.url", "SWITCHBOARD_FEEDS_*_URL", ValueType.string(), null, "test");
  private static final ConfigKey<Integer> EVERY =
      ConfigKey.optional("feeds.sources.*.every", null, ValueType.integer(1, 60), 5, "test");
  private static final ConfigKey<String> TOKEN =
      ConfigKey.secret("feeds.sources.*.token", "SWITCHBOARD_FEEDS_*_TOKEN", true, "test");
  private static final ConfigSchema SCHEMA = schema();

  @TempDir
  Path home;

  private static ConfigSchema schema() {
    List<ConfigKey<?>> keys = new ArrayList<>(TestKeys.schema().keys());
    keys.addAll(List.of(URL, EVERY, TOKEN));
    return ConfigSchema.of(keys);
  }

  private Config load(String yaml, Map<String, String> env) throws Exception {
    Files.writeString(home.resolve(ConfigLoader.YAML_FILE), yaml);
    return new ConfigLoader(SCHEMA).load(home, env);
  }

  @Test
  void aNamedKeyNeedsANamedVariableAndOneStarInItsPath() {
    assertThatThrownBy(() -> ConfigKey.optional(
            "feeds.sources.*.url", "SWITCHBOARD_FEEDS_URL", ValueType.string(), null, "x"))
        .hasMessageContaining("named variable");
    assertThatThrownBy(
            () -> ConfigKey.optional("feeds.*.*.url", null, ValueType.string(), null, "x"))
        .hasMessageContaining("bad config path");
    assertThatThrownBy(
            () -> ConfigKey.optional("feeds.sources.*", null, ValueType.string(), null, "x"))
        .hasMessageContaining("bad config path");
    assertThat(URL.pathFor("my-feed")).isEqualTo("feeds.sources.my-feed.url");
    assertThat(URL.envFor("my-feed")).isEqualTo("SWITCHBOARD_FEEDS_MY_FEED_URL");
    assertThat(EVERY.envFor("a")).isNull();
  }

  @Test
  void theSchemaFindsANamedKeyByAnyNamesPath() {
    assertThat(SCHEMA.byPath("feeds.sources.news.url")).containsSame(URL);
    assertThat(SCHEMA.byPath("feeds.sources.*.url")).containsSame(URL);
    assertThat(SCHEMA.byPath("feeds.sources.News.url")).isEmpty();
    assertThat(SCHEMA.byPath("feeds.sources.news.colour")).isEmpty();
    assertThat(SCHEMA.isSection("feeds.sources")).isTrue();
    assertThat(SCHEMA.isSection("feeds.sources.news")).isTrue();
    assertThat(SCHEMA.isSection("feeds.sources.news.url")).isFalse();
    assertThat(SCHEMA.childrenOf("feeds.sources")).containsExactly("<name>");
    assertThat(SCHEMA.childrenOf("feeds.sources.news")).containsExactly("every", "token", "url");
  }

  @Test
  void eachNameHasItsOwnValuesAndDefaults() throws Exception {
    Config config = load("""
        feeds:
          sources:
            news:
              url: https://example.com/news
              token: tok-news-0123
            blog:
              every: 30
              token: tok-blog-0123
        """, Map.of("SWITCHBOARD_FEEDS_BLOG_URL", "https://example.com/blog"));
    assertThat(config.names("feeds.sources")).containsExactly("blog", "news");
    assertThat(config.get(URL, "news")).isEqualTo("https://example.com/news");
    assertThat(config.get(URL, "blog")).isEqualTo("https://example.com/blog");
    assertThat(config.get(EVERY, "news")).isEqualTo(5);
    assertThat(config.get(EVERY, "blog")).isEqualTo(30);
    assertThat(config.isSet(EVERY, "news")).isFalse();
    assertThat(config.secretValues()).contains("tok-news-0123", "tok-blog-0123");
    assertThatThrownBy(() -> config.get(URL)).hasMessageContaining("get(key, name)");
  }

  @Test
  void aNameGivenOnlyInTheEnvironmentStillNeedsItsRequiredSettings() {
    assertThatThrownBy(() -> load("", Map.of("SWITCHBOARD_FEEDS_EXTRA_URL", "https://x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("feeds.sources.extra.token")
        .hasMessageContaining("SWITCHBOARD_FEEDS_EXTRA_TOKEN");
  }

  @Test
  void aBadValueNamesItsNamedPathAndAVariableItsVariable() {
    assertThatThrownBy(() ->
            load("feeds:\n  sources:\n    news:\n      token: t\n      every: 99\n", Map.of()))
        .hasMessageContaining("feeds.sources.news.every")
        .hasMessageContaining("99");
    assertThatThrownBy(() -> load(
            "feeds:\n  sources:\n    news:\n      token: t\n",
            Map.of("SWITCHBOARD_FEEDS_NEWS_URL", "")))
        .hasMessageContaining("SWITCHBOARD_FEEDS_NEWS_URL");
  }
}

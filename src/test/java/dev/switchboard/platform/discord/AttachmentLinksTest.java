package dev.switchboard.platform.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.PlatformException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which attachment URLs the adapter may fetch: Discord's CDN and the configured bases only. */
class AttachmentLinksTest {
  private final AttachmentLinks links = new AttachmentLinks(
      URI.create("http://127.0.0.1:9000/api/v10"), URI.create("http://127.0.0.1:9002"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://cdn.discordapp.com/attachments/1/2/a.png?ex=65d903de&is=65c68ede&hm=24&",
        "https://CDN.DiscordApp.com:443/attachments/1/2/a.png",
        "https://media.discordapp.net/attachments/1/2/a.png?width=100",
        "http://127.0.0.1:9002/attachments/1/2/a.png",
        "http://127.0.0.1:9000/attachments/1/2/a.png"
      })
  void discordsCdnAndTheConfiguredBasesAreFetched(String url) throws Exception {
    assertThat(links.check(url)).isEqualTo(URI.create(url));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://cdn.discordapp.com/attachments/1/2/a.png",
        "https://cdn.discordapp.com.evil.example/attachments/1/2/a.png",
        "https://evil.example/cdn.discordapp.com/a.png",
        "https://user@cdn.discordapp.com/attachments/1/2/a.png",
        "https://cdn.discordapp.com:8443/attachments/1/2/a.png",
        "http://127.0.0.1:9003/attachments/1/2/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9002/attachments/1/2/a.png",
        "file:///etc/passwd",
        "ftp://cdn.discordapp.com/a.png",
        "/attachments/1/2/a.png",
        "https://cdn.discordapp.com/a b.png",
        ""
      })
  void anythingElseIsRefused(String url) {
    assertThatThrownBy(() -> links.check(url))
        .isInstanceOfSatisfying(
            PlatformException.class,
            e -> assertThat(e.getMessage())
                .isEqualTo("its link does not point to Discord's file servers"));
  }

  @Test
  void theDefaultSettingsWhereTheCdnBaseIsDiscordsOwnCdnAreAccepted() throws Exception {
    AttachmentLinks defaults = new AttachmentLinks(
        URI.create("https://discord.com/api/v10"), URI.create("https://cdn.discordapp.com"));
    String url = "https://cdn.discordapp.com/attachments/1/2/a.png";
    assertThat(defaults.check(url)).isEqualTo(URI.create(url));
  }
}

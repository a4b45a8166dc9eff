package dev.switchboard.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import dev.switchboard.config.CoreKeys;
import dev.switchboard.media.MediaSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The web chat keeps to the gateway's limit on one file, {@code media.max_file_mb}. */
class WebChatFactoryTest {
  @Test
  void theFileLimitIsTheGatewaysSetting() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreKeys.all());
    keys.addAll(MediaSettings.configKeys());
    Config defaults = Config.defaults(ConfigSchema.of(keys));
    assertThat(WebChatFactory.maxFileBytes(defaults))
        .isEqualTo(MediaSettings.DEFAULTS.maxFileBytes())
        .isEqualTo(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
    Config three = defaults.with(Map.of(MediaSettings.MAX_FILE_MB, 3));
    assertThat(WebChatFactory.maxFileBytes(three)).isEqualTo(3L * 1024 * 1024);
    assertThat(WebChatFactory.MAX_FILE_MB).isEqualTo(MediaSettings.MAX_FILE_MB.path());
    // a configuration without the attachments' settings (a test's) has the same default
    assertThat(WebChatFactory.maxFileBytes(Config.defaults(ConfigSchema.of(CoreKeys.all()))))
        .isEqualTo(WebChatAdapter.DEFAULT_MAX_FILE_BYTES);
  }
}

package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.store.Retention;
import dev.switchboard.store.sqlite.SqliteStore;
import dev.switchboard.store.sqlite.SqliteStoreFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreDiagnosisTest {
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path home;

  @Test
  void belowTheThresholdItIsOkAndSaysWhatRetentionKeeps() {
    Finding f = StoreDiagnosis.check(5 * MIB, Retention.DEFAULTS);

    assertThat(f.level()).isEqualTo(Finding.Level.OK);
    assertThat(f.message())
        .isEqualTo("5.0 MiB on disk; retention: delivered messages 7 days, transcripts 90 days,"
            + " any number of lines per conversation");
  }

  @Test
  void aboveTheThresholdItWarnsWithTheRetentionAndTheKeysToChange() {
    Retention r = new Retention(Duration.ofHours(36), Duration.ZERO, 500, 100 * MIB);

    Finding f = StoreDiagnosis.check(1536 * MIB, r);

    assertThat(f.level()).isEqualTo(Finding.Level.WARN);
    assertThat(f.message())
        .isEqualTo("1.5 GiB on disk, more than store.size_warning_mb (100.0 MiB); retention:"
            + " delivered messages 36h, transcripts forever, at most 500 lines per"
            + " conversation");
    assertThat(f.fix())
        .contains("store.retention.transcripts")
        .contains("store.retention.delivered")
        .contains("store.retention.transcript_lines")
        .contains("raise store.size_warning_mb");
    assertThat(StoreDiagnosis.check(100 * MIB, r).level())
        .as("at the threshold")
        .isEqualTo(Finding.Level.OK);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0 bytes",
    "1023, 1023 bytes",
    "1024, 1 KiB",
    "1048575, 1023 KiB",
    "1048576, 1.0 MiB",
    "5557452, 5.3 MiB",
    "1073741824, 1.0 GiB"
  })
  void sizesReadAsAPersonWouldSayThem(long bytes, String said) {
    assertThat(StoreDiagnosis.human(bytes)).isEqualTo(said);
  }

  @Test
  void theConfiguredStoreIsMeasuredWithoutOpeningIt() throws Exception {
    PluginCatalog catalog = PluginCatalog.discover();
    Config config = Config.defaults(catalog.schema());

    assertThat(StoreDiagnosis.check(catalog, home, config).message())
        .as("before the first start")
        .startsWith("0 bytes on disk");

    SqliteStore.open(home.resolve("switchboard.db"), Clock.systemUTC()).close();
    long bytes = Files.size(home.resolve("switchboard.db"))
        + (Files.exists(home.resolve("switchboard.db-wal"))
            ? Files.size(home.resolve("switchboard.db-wal"))
            : 0);
    assertThat(StoreDiagnosis.check(catalog, home, config).message())
        .startsWith(StoreDiagnosis.human(bytes) + " on disk");

    Config elsewhere = config.with(Map.of(SqliteStoreFactory.FILE, "other.db"));
    assertThat(StoreDiagnosis.check(catalog, home, elsewhere).message())
        .startsWith("0 bytes on disk");
  }
}

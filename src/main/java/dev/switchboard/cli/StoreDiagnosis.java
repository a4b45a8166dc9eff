package dev.switchboard.cli;

import dev.switchboard.common.Finding;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.store.Retention;
import dev.switchboard.store.StoreException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the store takes on disk, for {@code status} and {@code doctor}: read from its files (or
 * asked of the PostgreSQL server in one short look), so it never opens (or migrates) the
 * database, and works whether the gateway runs or not. Doctor
 * warns above {@code store.size_warning_mb} and says what retention is set to, since that is
 * what keeps the size down.
 */
final class StoreDiagnosis {
  private static final String SUBJECT = "store";

  private StoreDiagnosis() {}

  static Finding check(PluginCatalog catalog, Path home, Config config) {
    Retention retention = Retention.from(config);
    long bytes;
    try {
      bytes = catalog.storeBytes(home, config);
    } catch (UncheckedIOException e) {
      return Finding.warn(
          SUBJECT,
          "cannot read the store's size: " + e.getMessage(),
          "check that this user can read " + home);
    } catch (ConfigException e) {
      return Finding.fail(SUBJECT, String.valueOf(e.getMessage()), "correct " + e.key());
    } catch (StoreException e) {
      return Finding.fail(
          SUBJECT,
          String.valueOf(e.getMessage()),
          "check store.url, that the database server runs and lets this user in, and its"
              + " password (store.postgresql.password or password_file)");
    }
    return check(bytes, retention);
  }

  static Finding check(long bytes, Retention retention) {
    String kept = "retention: " + retention.describe();
    if (bytes > retention.warnAboveBytes()) {
      return Finding.warn(
          SUBJECT,
          human(bytes) + " on disk, more than " + Retention.SIZE_WARNING_MB.path() + " ("
              + human(retention.warnAboveBytes()) + "); " + kept,
          "keep less: lower " + Retention.TRANSCRIPTS.path() + " or "
              + Retention.DELIVERED.path() + ", or set " + Retention.TRANSCRIPT_LINES.path()
              + "; the running gateway prunes hourly and the file shrinks after. Or raise "
              + Retention.SIZE_WARNING_MB.path());
    }
    return Finding.ok(SUBJECT, human(bytes) + " on disk; " + kept);
  }

  /** "0 bytes", "12 KiB", "5.3 MiB", "1.2 GiB". */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    if (bytes < 1024 * 1024) {
      return bytes / 1024 + " KiB";
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}

package dev.switchboard.cli;

import dev.switchboard.common.SpokenSize;
import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import dev.switchboard.lifecycle.PluginCatalog;
import dev.switchboard.media.MediaSettings;
import dev.switchboard.platform.ProactiveSender;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code switchboard send --file}, checked before the gateway is asked: each must
 * be a regular file this user can read, hold something, and be within {@code media.max_file_mb},
 * and there may be at most {@link ProactiveSender#MAX_FILES}. A file that fails is named in the
 * error, and nothing is sent. The gateway checks again (its limit is the one that counts, and
 * the chat's platform has its own).
 */
final class SendFiles {
  private static final long MB = 1024L * 1024;

  /** A file that may go: where it is, the name the chat sees, its media type and size. */
  record Checked(Path path, String fileName, String contentType, long size) {}

  /** Why the files cannot go, in words that name the file. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private SendFiles() {}

  /**
   * The largest file the gateway sends: {@code media.max_file_mb} as this state directory's
   * configuration and {@code env} say, or its default when the configuration cannot be read
   * (the gateway's own check still applies).
   */
  static long maxFileBytes(Path home, Map<String, String> env) {
    try {
      Config config = new ConfigLoader(PluginCatalog.discover().schema()).load(home, env);
      return config.get(MediaSettings.MAX_FILE_MB) * MB;
    } catch (ConfigException e) {
      return MediaSettings.DEFAULTS.maxFileBytes();
    }
  }

  /** Each file checked, in order; {@link Refused} naming the first that cannot go. */
  static List<Checked> check(List<Path> paths, long maxFileBytes) throws Refused {
    if (paths.size() > ProactiveSender.MAX_FILES) {
      throw new Refused(
          "at most " + ProactiveSender.MAX_FILES + " files go in one send, not " + paths.size());
    }
    List<Checked> checked = new ArrayList<>();
    for (Path path : paths) {
      checked.add(checkOne(path, maxFileBytes));
    }
    return checked;
  }

  private static Checked checkOne(Path path, long maxFileBytes) throws Refused {
    if (Files.isDirectory(path)) {
      throw new Refused(path + " is a directory, not a file");
    }
    if (!Files.exists(path)) {
      throw new Refused(path + " does not exist");
    }
    if (!Files.isRegularFile(path)) {
      throw new Refused(path + " is not a regular file");
    }
    long size;
    try (InputStream in = Files.newInputStream(path)) {
      size = Files.size(path);
      if (in.read() < 0) {
        throw new Refused(path + " is empty: there is nothing to send");
      }
    } catch (NoSuchFileException e) {
      throw new Refused(path + " does not exist");
    } catch (AccessDeniedException e) {
      throw new Refused(path + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new Refused(path + " cannot be read (" + e + ")");
    }
    if (size > maxFileBytes) {
      throw new Refused(
          path + " is " + SpokenSize.of(size) + "; the gateway sends files of at most "
              + SpokenSize.of(maxFileBytes) + " (media.max_file_mb)");
    }
    String name = path.getFileName().toString();
    return new Checked(path, name, contentType(path, name), size);
  }

  /** The file's media type as the system knows it, else by its name's extension. */
  private static String contentType(Path path, String name) {
    String type = null;
    try {
      type = Files.probeContentType(path);
    } catch (IOException e) {
      // guessed from the name below
    }
    if (type == null) {
      type = URLConnection.guessContentTypeFromName(name);
    }
    return type == null ? "application/octet-stream" : type.toLowerCase(Locale.ROOT);
  }
}

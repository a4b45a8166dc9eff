package dev.switchboard.agent.acp;

import dev.switchboard.agent.AttachmentNotes;
import dev.switchboard.agent.TurnAttachment;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts a copy of an attachment in the agent's own directory, {@code attachments/} under the
 * conversation's working directory, for a {@code resource_link} or a resource's URI to name.
 *
 * <p>Why a copy, not a link to the attachment store: the store is in the state directory,
 * which bubblewrap replaces by an empty directory for a sandboxed agent (a {@code file://} URI
 * into it names nothing there), and which an unsandboxed agent should not be sent into either,
 * since the bot tokens are beside it. The working directory is bound read-write at the same path
 * inside the sandbox ({@link Bubblewrap#wrap}), so the copy's URI names the same file inside and
 * out, and it is the agent's to read, convert or keep, like any file it makes there.
 */
final class AgentFiles {
  static final String DIRECTORY = "attachments";
  private static final int MAX_NAME = 100;
  private static final Pattern UNSAFE = Pattern.compile("[\\p{Cc}\\p{Cf}/\\\\:*?\"<>|]+");
  private static final Map<String, String> EXTENSIONS = Map.of(
      "image/png", ".png",
      "image/jpeg", ".jpg",
      "image/webp", ".webp",
      "image/gif", ".gif",
      "audio/ogg", ".ogg",
      "audio/mpeg", ".mp3",
      "video/mp4", ".mp4",
      "application/pdf", ".pdf",
      "text/plain", ".txt");

  private AgentFiles() {}

  /**
   * Copies the attachment into {@code cwd/attachments/} under its own name, made safe, and
   * numbered ("report-2.pdf") when the name is taken: an earlier file of the conversation is
   * never overwritten.
   */
  static Path copy(TurnAttachment a, Path cwd) throws IOException {
    Path dir = cwd.resolve(DIRECTORY);
    // The agent owns its directory: a link it put there must not lead the gateway's write
    // anywhere else.
    if (Files.isSymbolicLink(dir)
        || (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)
            && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))) {
      throw new IOException(dir + " is not a directory");
    }
    Files.createDirectories(dir);
    String name = fileName(a);
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String extension = dot > 0 ? name.substring(dot) : "";
    for (int n = 1; ; n++) {
      Path target = dir.resolve(n == 1 ? name : stem + "-" + n + extension);
      try {
        // Without REPLACE_EXISTING: fails on anything already there, a link included.
        return Files.copy(a.path(), target);
      } catch (FileAlreadyExistsException taken) {
        if (n >= 1000) {
          throw taken;
        }
      }
    }
  }

  /**
   * The user's file name without directories, unsafe characters or leading dots; else one made
   * up from the kind and type ("image.png").
   */
  static String fileName(TurnAttachment a) {
    String own = AttachmentNotes.name(a);
    String name =
        own == null ? "" : own.substring(Math.max(own.lastIndexOf('/'), own.lastIndexOf('\\')) + 1);
    name = UNSAFE.matcher(name).replaceAll("_").strip();
    while (name.startsWith(".")) {
      name = name.substring(1);
    }
    if (name.isBlank()) {
      String type = a.mimeType().toLowerCase(Locale.ROOT);
      int semi = type.indexOf(';');
      type = (semi < 0 ? type : type.substring(0, semi)).strip();
      name = a.kind().word() + EXTENSIONS.getOrDefault(type, "");
    }
    if (name.length() > MAX_NAME) {
      int dot = name.lastIndexOf('.');
      String extension = dot > 0 && name.length() - dot <= 10 ? name.substring(dot) : "";
      name = name.substring(0, MAX_NAME - extension.length()) + extension;
    }
    return name;
  }
}

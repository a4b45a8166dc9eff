package dev.switchboard.platform.api;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.PlatformException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The files of the requests being answered, each until its request ends: what the gateway
 * fetches through {@link ApiServerAdapter#download}. A file's {@link Attachment#ref} is its
 * request's id and its place in it ({@code chatcmpl-…/0}); the bytes stay in the request's
 * spool. After the request ends, or after a restart (API requests are not answered then), a
 * file is gone.
 */
final class HeldFiles {
  /** A file of a request, ready to be read. */
  record File(
      AttachmentKind kind, String mimeType, @Nullable String fileName, long size, Bytes bytes) {}

  /** Opens a file's bytes, decoded. */
  @FunctionalInterface
  interface Bytes {
    InputStream open() throws IOException;
  }

  private final ConcurrentHashMap<String, List<File>> byRequest = new ConcurrentHashMap<>();

  /** Keeps the files of request {@code id}; returns them as the inbound message's attachments. */
  List<Attachment> hold(String id, List<File> files) {
    byRequest.put(id, List.copyOf(files));
    List<Attachment> attachments = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      File f = files.get(i);
      attachments.add(new Attachment(f.kind(), f.mimeType(), f.size(), f.fileName(), id + "/" + i));
    }
    return attachments;
  }

  InputStream open(String ref) throws PlatformException {
    int slash = ref.lastIndexOf('/');
    List<File> files = slash < 0 ? null : byRequest.get(ref.substring(0, slash));
    int index;
    try {
      index = slash < 0 ? -1 : Integer.parseInt(ref.substring(slash + 1));
    } catch (NumberFormatException e) {
      index = -1;
    }
    if (files == null || index < 0 || index >= files.size()) {
      throw new PlatformException(
          "the API request that carried it has ended; send the request again", true);
    }
    try {
      return files.get(index).bytes().open();
    } catch (IOException e) {
      throw new PlatformException("it could not be read back from the request", true, e);
    }
  }

  void release(String id) {
    byRequest.remove(id);
  }

  /** How many requests hold files now, for tests. */
  int requests() {
    return byRequest.size();
  }
}

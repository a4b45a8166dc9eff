package dev.switchboard.lifecycle;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.PlatformAdapter;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.session.AttachmentSource;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Attachments fetched from the adapter of the platform their message came on. */
final class AdapterAttachments implements AttachmentSource {
  private final Map<String, PlatformAdapter> adapters;

  AdapterAttachments(List<PlatformAdapter> adapters) {
    this.adapters = adapters.stream()
        .collect(Collectors.toUnmodifiableMap(PlatformAdapter::name, Function.identity()));
  }

  @Override
  public InputStream download(String platform, Attachment attachment) throws PlatformException {
    PlatformAdapter adapter = adapters.get(platform);
    if (adapter == null) {
      throw new PlatformException(platform + " is not configured any more", true);
    }
    return adapter.download(attachment);
  }

  @Override
  public FileLimits fileLimits(String platform) {
    PlatformAdapter adapter = adapters.get(platform);
    return adapter == null ? FileLimits.NONE : adapter.fileLimits();
  }
}

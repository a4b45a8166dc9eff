package dev.switchboard.session;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.FileLimits;
import dev.switchboard.platform.PlatformException;
import java.io.InputStream;

/** Where an attachment's bytes come from: the adapter of the platform its message came on. */
public interface AttachmentSource {
  /** A source with no platform to fetch from: every download fails. */
  AttachmentSource NONE = new AttachmentSource() {
    @Override
    public InputStream download(String platform, Attachment attachment) throws PlatformException {
      throw new PlatformException(platform + " does not pass files on", true);
    }

    @Override
    public FileLimits fileLimits(String platform) {
      return FileLimits.NONE;
    }
  };

  /** See {@link dev.switchboard.platform.PlatformAdapter#download}. */
  InputStream download(String platform, Attachment attachment) throws PlatformException;

  /** See {@link dev.switchboard.platform.PlatformAdapter#fileLimits}. */
  FileLimits fileLimits(String platform);
}

package dev.switchboard.platform;

import java.util.Locale;

/** What an attachment is, as far as the gateway and the agents care. */
public enum AttachmentKind {
  IMAGE,
  /** A voice note recorded in the chat app (Telegram's voice, WhatsApp's ptt). */
  VOICE,
  AUDIO,
  VIDEO,
  DOCUMENT,
  /** Shown and passed on as an image. */
  STICKER;

  /**
   * What a file of this (lower-case) MIME type is shown as: image, audio, video by the type's
   * first part, anything else a document. Voice notes and stickers are told by their platform,
   * not by their type.
   */
  public static AttachmentKind ofMimeType(String mimeType) {
    if (mimeType.startsWith("image/")) {
      return IMAGE;
    }
    if (mimeType.startsWith("audio/")) {
      return AUDIO;
    }
    if (mimeType.startsWith("video/")) {
      return VIDEO;
    }
    return DOCUMENT;
  }

  /** The lower-case word used in messages and settings: "image". */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a model that takes images can be shown it. */
  public boolean visual() {
    return this == IMAGE || this == STICKER;
  }

  /** Whether it is speech or sound that a transcription could turn into words. */
  public boolean audible() {
    return this == VOICE || this == AUDIO;
  }
}

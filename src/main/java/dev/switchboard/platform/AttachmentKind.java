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

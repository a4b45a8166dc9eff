package dev.switchboard.command;

import java.util.Locale;

/** {@code /voice [on|off]}: replies also sent as voice notes in this session, or not. */
final class VoiceCommand implements Command {
  @Override
  public String name() {
    return "voice";
  }

  @Override
  public String description() {
    return "Also send replies as voice notes: /voice on|off";
  }

  @Override
  public void execute(CommandContext context) {
    SessionControl s = context.session();
    String arg = context.arguments().toLowerCase(Locale.ROOT);
    if (!s.voiceRepliesAvailable() && !arg.equals("off")) {
      context.reply("Voice replies are not set up on this gateway: its operator must set"
          + " tts.base_url (an OpenAI-compatible /audio/speech endpoint).");
      return;
    }
    switch (arg) {
      case "" ->
        context.reply("Voice replies are " + (s.voiceReplies() ? "on" : "off")
            + " in this session. Change it with /voice on or /voice off.");
      case "on" -> {
        s.setVoiceReplies(true);
        context.reply("Voice replies are on: each reply also comes as a voice note.");
      }
      case "off" -> {
        s.setVoiceReplies(false);
        context.reply("Voice replies are off.");
      }
      default -> context.reply("Use /voice on or /voice off.");
    }
  }
}

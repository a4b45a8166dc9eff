package dev.switchboard.platform.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Files in Bot API messages, shaped as Telegram sends them, through {@link UpdateParser}. */
class UpdateParserFilesTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final UpdateParser PARSER = new UpdateParser(
      new BotIdentity(7, "switchboard_bot"), TelegramSettings.GroupTrigger.MENTION);
  private static final String PRIVATE =
      "\"chat\": {\"id\": 42, \"first_name\": \"Ann\"," + " \"type\": \"private\"}";
  private static final String GROUP =
      "\"chat\": {\"id\": -1001234, \"title\": \"Team\"," + " \"type\": \"supergroup\"}";

  private static Optional<InboundMessage> parse(String chat, String fields) {
    return PARSER.parse(JSON.readTree("{\"update_id\": 900, \"message\": {\"message_id\": 31,"
        + " \"from\": {\"id\": 42, \"is_bot\": false, \"first_name\": \"Ann\","
        + " \"language_code\": \"en\"}, " + chat + ", \"date\": 1700000000, " + fields + "}}"));
  }

  private static InboundMessage message(String fields) {
    Optional<InboundMessage> m = parse(PRIVATE, fields);
    assertThat(m).as("a message from %s", fields).isPresent();
    return m.orElseThrow();
  }

  private static Attachment only(String fields) {
    InboundMessage m = message(fields);
    assertThat(m.attachments()).hasSize(1);
    return m.attachments().getFirst();
  }

  @Test
  void aPhotoIsItsLargestSizeAsJpegAndItsCaptionIsTheText() {
    InboundMessage m = message("""
        "photo": [
          {"file_id": "AgACAgIAAxkBAAIBs", "file_unique_id": "AQADs", "file_size": 1432,
           "width": 90, "height": 67},
          {"file_id": "AgACAgIAAxkBAAIBx", "file_unique_id": "AQADx", "file_size": 86101,
           "width": 1280, "height": 960},
          {"file_id": "AgACAgIAAxkBAAIBm", "file_unique_id": "AQADm", "file_size": 19845,
           "width": 320, "height": 240}],
        "caption": "what is this?"
        """);

    assertThat(m.text()).isEqualTo("what is this?");
    assertThat(m.attachments())
        .containsExactly(
            new Attachment(AttachmentKind.IMAGE, "image/jpeg", 86101, null, "AgACAgIAAxkBAAIBx"));
  }

  @Test
  void aPhotoWithoutDimensionsIsItsLastSize() {
    assertThat(only("\"photo\": [{\"file_id\": \"small\"}, {\"file_id\": \"big\"}]")
            .ref())
        .isEqualTo("big");
  }

  @Test
  void aFileWithoutACaptionIsAMessageWithEmptyText() {
    InboundMessage m = message("""
        "document": {"file_name": "report.pdf", "mime_type": "application/pdf",
          "file_id": "BQACAgIAAxkBAAIBd", "file_unique_id": "AgADd", "file_size": 48213}
        """);

    assertThat(m.text()).isEmpty();
    assertThat(m.attachments())
        .containsExactly(new Attachment(
            AttachmentKind.DOCUMENT, "application/pdf", 48213, "report.pdf", "BQACAgIAAxkBAAIBd"));
  }

  @Test
  void aDocumentWithoutTypeOrSizeIsOctetsOfUnknownSize() {
    Attachment a = only("\"document\": {\"file_id\": \"BQAC\", \"file_unique_id\": \"AgAD\"}");

    assertThat(a.mimeType()).isEqualTo("application/octet-stream");
    assertThat(a.size()).isEqualTo(-1);
    assertThat(a.fileName()).isNull();
  }

  @Test
  void aVoiceNoteIsOggVoice() {
    assertThat(only("""
            "voice": {"duration": 3, "mime_type": "audio/ogg", "file_id": "AwACAgIAAxkBAAIBv",
              "file_unique_id": "AgADv", "file_size": 7331}
            """))
        .isEqualTo(
            new Attachment(AttachmentKind.VOICE, "audio/ogg", 7331, null, "AwACAgIAAxkBAAIBv"));
    assertThat(
            only("\"voice\": {\"duration\": 1, \"file_id\": \"AwAC\", \"file_unique_id\": \"x\"}")
                .mimeType())
        .isEqualTo("audio/ogg");
  }

  @Test
  void audioKeepsItsTypeAndNameOrIsNamedByItsTitle() {
    assertThat(only("""
            "audio": {"duration": 184, "performer": "Band", "title": "Song",
              "file_name": "song.mp3", "mime_type": "audio/mpeg", "file_id": "CQACAgIAAxkBAAIBa",
              "file_unique_id": "AgADa", "file_size": 2948112}
            """))
        .isEqualTo(new Attachment(
            AttachmentKind.AUDIO, "audio/mpeg", 2948112, "song.mp3", "CQACAgIAAxkBAAIBa"));
    Attachment untitled = only("""
        "audio": {"duration": 5, "title": "Field recording", "mime_type": "audio/mp4",
          "file_id": "CQAC", "file_unique_id": "AgAD"}
        """);
    assertThat(untitled.fileName()).isEqualTo("Field recording");
    assertThat(untitled.mimeType()).isEqualTo("audio/mp4");
  }

  @Test
  void videosAndVideoNotesAreVideos() {
    assertThat(only("""
            "video": {"duration": 12, "width": 1920, "height": 1080, "file_name": "clip.mov",
              "mime_type": "video/quicktime", "file_id": "BAACAgIAAxkBAAIBy",
              "file_unique_id": "AgADy", "file_size": 5123456}
            """))
        .isEqualTo(new Attachment(
            AttachmentKind.VIDEO, "video/quicktime", 5123456, "clip.mov", "BAACAgIAAxkBAAIBy"));
    assertThat(only("""
            "video_note": {"duration": 8, "length": 384, "file_id": "DQACAgIAAxkBAAIBn",
              "file_unique_id": "AgADn", "file_size": 654321}
            """))
        .isEqualTo(
            new Attachment(AttachmentKind.VIDEO, "video/mp4", 654321, null, "DQACAgIAAxkBAAIBn"));
  }

  @Test
  void anAnimationIsOneVideoNotAlsoTheDocumentTelegramRepeatsItIn() {
    assertThat(only("""
            "animation": {"file_name": "cat.gif.mp4", "mime_type": "video/mp4", "duration": 2,
              "width": 320, "height": 240, "file_id": "CgACAgIAAxkBAAIBg",
              "file_unique_id": "AgADg", "file_size": 120000},
            "document": {"file_name": "cat.gif.mp4", "mime_type": "video/mp4",
              "file_id": "CgACAgIAAxkBAAIBg", "file_unique_id": "AgADg", "file_size": 120000}
            """))
        .isEqualTo(new Attachment(
            AttachmentKind.VIDEO, "video/mp4", 120000, "cat.gif.mp4", "CgACAgIAAxkBAAIBg"));
  }

  @Test
  void aStaticStickerIsItsWebpImage() {
    assertThat(only("""
            "sticker": {"width": 512, "height": 512, "emoji": "\\ud83d\\ude00",
              "set_name": "HotCherry", "is_animated": false, "is_video": false,
              "type": "regular", "file_id": "CAACAgIAAxkBAAIBw", "file_unique_id": "AgADw",
              "file_size": 23456,
              "thumbnail": {"file_id": "AAMCAgADGQEAAgF", "file_unique_id": "AQADt",
                "file_size": 5120, "width": 128, "height": 128}}
            """))
        .isEqualTo(
            new Attachment(AttachmentKind.STICKER, "image/webp", 23456, null, "CAACAgIAAxkBAAIBw"));
  }

  @Test
  void anAnimatedOrVideoStickerIsItsStillThumbnail() {
    assertThat(only("""
            "sticker": {"width": 512, "height": 512, "emoji": "\\ud83d\\udc4d",
              "is_animated": true, "is_video": false, "type": "regular",
              "file_id": "CAACAgIAAxkBAAIBt", "file_unique_id": "AgADt", "file_size": 31000,
              "thumbnail": {"file_id": "AAMCAgADGQEAAgT", "file_unique_id": "AQADu",
                "file_size": 4800, "width": 128, "height": 128}}
            """))
        .isEqualTo(
            new Attachment(AttachmentKind.STICKER, "image/webp", 4800, null, "AAMCAgADGQEAAgT"));
    assertThat(only("""
            "sticker": {"width": 512, "height": 512, "is_animated": false, "is_video": true,
              "type": "regular", "file_id": "CAACAgIAAxkBAAIBv", "file_unique_id": "AgADv",
              "file_size": 98000}
            """))
        .as("without a thumbnail it keeps its own type, which the gateway can refuse")
        .isEqualTo(
            new Attachment(AttachmentKind.STICKER, "video/webm", 98000, null, "CAACAgIAAxkBAAIBv"));
  }

  @Test
  void inGroupsAFileCountsAsAddressedByItsCaptionsMentionAndTheMentionIsRemoved() {
    String photo = "\"photo\": [{\"file_id\": \"AgAC\", \"file_unique_id\": \"AQAD\","
        + " \"file_size\": 10, \"width\": 90, \"height\": 90}]";

    assertThat(parse(GROUP, photo)).as("a photo nobody addressed to the bot").isEmpty();
    Optional<InboundMessage> addressed = parse(GROUP, photo + """
        , "caption": "@switchboard_bot",
          "caption_entities": [{"offset": 0, "length": 16, "type": "mention"}]
        """);
    assertThat(addressed).hasValueSatisfying(m -> {
      assertThat(m.text()).isEmpty();
      assertThat(m.attachments()).extracting(Attachment::ref).containsExactly("AgAC");
    });
  }

  @Test
  void aCaptionCommandIsReadFromTheCaptionEntities() {
    Optional<InboundMessage> m = parse(GROUP, """
        "document": {"file_name": "a.txt", "mime_type": "text/plain", "file_id": "BQAC",
          "file_unique_id": "AgAD", "file_size": 3},
        "caption": "/summarize@switchboard_bot please",
        "caption_entities": [{"offset": 0, "length": 26, "type": "bot_command"}]
        """);

    assertThat(m).hasValueSatisfying(msg -> {
      assertThat(msg.text()).isEqualTo("/summarize please");
      assertThat(msg.attachments()).hasSize(1);
    });
  }

  @Test
  void theMessagesOfAnAlbumStaySeparate() {
    String first = "\"media_group_id\": \"13579\", \"caption\": \"trip\", \"photo\": [{\"file_id\":"
        + " \"one\", \"file_unique_id\": \"u1\", \"width\": 800, \"height\": 600}]";
    String second = "\"media_group_id\": \"13579\", \"photo\": [{\"file_id\": \"two\","
        + " \"file_unique_id\": \"u2\", \"width\": 800, \"height\": 600}]";

    assertThat(message(first).attachments()).extracting(Attachment::ref).containsExactly("one");
    InboundMessage next = message(second);
    assertThat(next.text()).isEmpty();
    assertThat(next.attachments()).extracting(Attachment::ref).containsExactly("two");
  }

  @Test
  void aFileWithoutAUsableFileIdIsNoFile() {
    assertThat(parse(PRIVATE, "\"document\": {\"file_name\": \"x.pdf\"}")).isEmpty();
    assertThat(parse(PRIVATE, "\"photo\": {\"file_id\": \"not-an-array\"}")).isEmpty();
    assertThat(parse(PRIVATE, "\"voice\": {\"file_id\": 12345}")).isEmpty();
    assertThat(message("\"caption\": \"still words\", \"document\": {\"file_id\": \"\"}")
            .attachments())
        .isEmpty();
  }

  @Test
  void anOddMimeTypeReadsAsTheKindsDefault() {
    assertThat(only("\"document\": {\"file_id\": \"d\", \"mime_type\": \"pdf please\"}")
            .mimeType())
        .isEqualTo("application/octet-stream");
    assertThat(only("\"voice\": {\"file_id\": \"v\", \"mime_type\": \"Audio/OGG\"}")
            .mimeType())
        .isEqualTo("audio/ogg");
  }
}

package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.AttachmentKind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's content parts as the official clients send them, read into text and files; every
 * malformed part a 400 whose param and message name it.
 */
class ContentPartsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1};
  private static final String PNG_URL =
      "data:image/png;base64," + Base64.getEncoder().encodeToString(PNG);

  private static CompletionRequest parse(String userContent) throws ApiError {
    return parse(userContent, null);
  }

  private static CompletionRequest parse(String userContent, String session) throws ApiError {
    ObjectNode body = (ObjectNode) JSON.readTree(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":" + userContent + "}]}");
    return CompletionRequest.parse(body, session);
  }

  private static byte[] bytes(FilePart part) throws Exception {
    try (InputStream in = Base64Data.open(((FilePart.Inline) part).data())) {
      return in.readAllBytes();
    }
  }

  @Test
  void anImageAsADataUrlIsAnImageWithItsTypeAndDecodedSize() throws Exception {
    CompletionRequest r = parse("[{\"type\":\"text\",\"text\":\"What is this?\"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + PNG_URL
        + "\",\"detail\":\"low\"}}]");
    assertThat(r.text()).isEqualTo("What is this?");
    FilePart.Inline image = (FilePart.Inline) r.files().getFirst();
    assertThat(image.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(image.mimeType()).isEqualTo("image/png");
    assertThat(image.size()).isEqualTo(PNG.length);
    assertThat(image.fileName()).isNull();
    assertThat(bytes(image)).isEqualTo(PNG);
  }

  @Test
  void anImageByAddressIsFetchedLater() throws Exception {
    CompletionRequest r =
        parse("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]");
    assertThat(r.text()).isEmpty();
    assertThat(r.files())
        .singleElement()
        .isEqualTo(new FilePart.WebImage(
            java.net.URI.create("https://example.com/cat.png"),
            "messages[0].content[0].image_url"));
  }

  @Test
  void inputAudioIsAudioOfItsFormat() throws Exception {
    byte[] wav = "RIFF....WAVEfmt ".getBytes(StandardCharsets.US_ASCII);
    CompletionRequest r = parse("[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
        + Base64.getEncoder().encodeToString(wav) + "\",\"format\":\"wav\"}}]");
    FilePart.Inline audio = (FilePart.Inline) r.files().getFirst();
    assertThat(audio.kind()).isEqualTo(AttachmentKind.AUDIO);
    assertThat(audio.mimeType()).isEqualTo("audio/wav");
    assertThat(audio.size()).isEqualTo(wav.length);
    assertThat(bytes(audio)).isEqualTo(wav);

    CompletionRequest mp3 = parse("[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\""
        + Base64.getEncoder().encodeToString(wav) + "\",\"format\":\"mp3\"}}]");
    assertThat(((FilePart.Inline) mp3.files().getFirst()).mimeType()).isEqualTo("audio/mpeg");
  }

  @Test
  void aFileIsADocumentNamedAsSentTypedByItsDataUrlOrItsName() throws Exception {
    byte[] pdf = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    String b64 = Base64.getEncoder().encodeToString(pdf);
    FilePart.Inline viaUrl = (FilePart.Inline) parse("[{\"type\":\"file\",\"file\":{"
            + "\"file_data\":\"data:application/pdf;base64," + b64 + "\","
            + "\"filename\":\"report.pdf\"}}]")
        .files()
        .getFirst();
    assertThat(viaUrl.kind()).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(viaUrl.mimeType()).isEqualTo("application/pdf");
    assertThat(viaUrl.fileName()).isEqualTo("report.pdf");
    assertThat(viaUrl.size()).isEqualTo(pdf.length);
    assertThat(bytes(viaUrl)).isEqualTo(pdf);

    FilePart.Inline bare = (FilePart.Inline) parse("[{\"type\":\"file\",\"file\":{"
            + "\"file_data\":\"" + b64 + "\",\"filename\":\"report.pdf\"}}]")
        .files()
        .getFirst();
    assertThat(bare.mimeType()).isEqualTo("application/pdf");
    assertThat(bytes(bare)).isEqualTo(pdf);

    FilePart.Inline nameless =
        (FilePart.Inline) parse("[{\"type\":\"file\",\"file\":{\"file_data\":\"" + b64 + "\"}}]")
            .files()
            .getFirst();
    assertThat(nameless.mimeType()).isEqualTo("application/octet-stream");
    assertThat(nameless.fileName()).isNull();
  }

  @Test
  void base64WithLineBreaksAndEscapedSlashesDecodes() throws Exception {
    byte[] data = new byte[300];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    String mime = Base64.getMimeEncoder().encodeToString(data); // lines of 76, CRLF between
    assertThat(mime).contains("/").contains("\r\n");
    String json = JSON.writeValueAsString("data:image/png;base64," + mime).replace("/", "\\/");
    CompletionRequest r = parse("[{\"type\":\"image_url\",\"image_url\":{\"url\":" + json + "}}]");
    assertThat(bytes(r.files().getFirst())).isEqualTo(data);
    assertThat(((FilePart.Inline) r.files().getFirst()).size()).isEqualTo(data.length);
  }

  @Test
  void onlyTheTextOfOtherRolesCounts() throws Exception {
    ObjectNode body = (ObjectNode) JSON.readTree("""
        {"model": "m", "messages": [
          {"role": "system", "content": [{"type": "text", "text": "Be brief."},
             {"type": "image_url", "image_url": {"url": "not even a url"}}]},
          {"role": "assistant", "content": [{"type": "refusal", "refusal": "no"},
             {"type": "text", "text": "Earlier answer"}]},
          {"role": "user", "content": "Now?"}]}
        """);
    CompletionRequest r = CompletionRequest.parse(body, null);
    assertThat(r.files()).isEmpty();
    assertThat(r.text())
        .contains("[system] Be brief.")
        .contains("[assistant] Earlier answer")
        .endsWith("Now?");
  }

  @Test
  void aOneOffConversationCarriesEveryUserFileASessionOnlyTheLastMessages() throws Exception {
    String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + PNG_URL + "\"}}";
    ObjectNode body = (ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":["
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look\"}," + image + "]},"
        + "{\"role\":\"assistant\",\"content\":\"A PNG.\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And this?\"},"
        + image + "]}]}");
    CompletionRequest oneOff = CompletionRequest.parse(body, null);
    assertThat(oneOff.files()).hasSize(2);
    assertThat(oneOff.text()).contains("[user] Look [image]").endsWith("And this?");

    CompletionRequest session = CompletionRequest.parse(body, "s1");
    assertThat(session.files())
        .singleElement()
        .extracting(FilePart::param)
        .isEqualTo("messages[2].content[1].image_url");
    assertThat(session.text()).isEqualTo("And this?");
  }

  @Test
  void aMessageOfAFileAloneIsEnough() throws Exception {
    CompletionRequest r =
        parse("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + PNG_URL + "\"}}]");
    assertThat(r.text()).isEmpty();
    assertThat(r.files()).hasSize(1);
  }

  private static void refused(String content, String param, String... words) {
    assertThatThrownBy(() -> parse(content))
        .as(content)
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.body().path("error").path("param").asString()).isEqualTo(param);
          assertThat(e.body().path("error").path("type").asString())
              .isEqualTo("invalid_request_error");
          assertThat(e.getMessage()).contains(param).contains(words);
        });
  }

  @Test
  void malformedPartsAre400sNamingThePart() {
    String p = "messages[0].content[0]";
    refused("[{\"type\":\"video_url\",\"video_url\":{}}]", p + ".type", "video_url", "image_url");
    refused("[\"just a string\"]", p, "object");
    refused("[{\"text\":\"no type\"}]", p, "'type'");
    refused("[{\"type\":\"text\"}]", p + ".text", "string");
    refused("[{\"type\":\"image_url\"}]", p + ".image_url", "'url'");
    refused("[{\"type\":\"image_url\",\"image_url\":{}}]", p + ".image_url.url", "string");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,***\"}}]",
        p + ".image_url.url",
        "not valid base64");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png,rawbytes\"}}]",
        p + ".image_url.url",
        "without ;base64");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64\"}}]",
        p + ".image_url.url",
        "without its comma");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,\"}}]",
        p + ".image_url.url",
        "no data");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:text/plain;base64,aGk=\"}}]",
        p + ".image_url.url",
        "text/plain");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://example.com/a.png\"}}]",
        p + ".image_url.url",
        "only https:");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://example.com/a.png\"}}]",
        p + ".image_url.url",
        "https:");
    refused(
        "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + PNG_URL
            + "\",\"detail\":\"ultra\"}}]",
        p + ".image_url.detail",
        "auto, low, high or original");
    refused(
        "[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"aGk=\",\"format\":\"ogg\"}}]",
        p + ".input_audio.format",
        "wav or mp3");
    refused(
        "[{\"type\":\"input_audio\",\"input_audio\":{\"format\":\"wav\"}}]",
        p + ".input_audio.data",
        "string");
    refused(
        "[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"a\",\"format\":\"wav\"}}]",
        p + ".input_audio.data",
        "not valid base64");
    refused(
        "[{\"type\":\"file\",\"file\":{\"file_id\":\"file-abc123\"}}]",
        p + ".file.file_id",
        "no uploaded files",
        "file_data");
    refused(
        "[{\"type\":\"file\",\"file\":{\"filename\":\"a.pdf\"}}]",
        p + ".file.file_data",
        "missing");
    refused(
        "[{\"type\":\"file\",\"file\":{\"file_data\":\"aGk=\",\"filename\":3}}]",
        p + ".file.filename",
        "string");
    refused(
        "[{\"type\":\"file\",\"file\":{\"file_data\":\"caf\u00e9\"}}]",
        p + ".file.file_data",
        "not valid base64");
  }

  @Test
  void tooManyFilesOrAFileTooLargeAreRefused() throws Exception {
    String image = "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + PNG_URL + "\"}}";
    String many = "[" + String.join(",", java.util.Collections.nCopies(51, image)) + "]";
    assertThatThrownBy(() -> parse(many))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.getMessage()).contains("51 files").contains("at most 50"));

    byte[] big = new byte[(int) ContentParts.MAX_FILE_BYTES + 1];
    String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(big);
    assertThatThrownBy(
            () -> parse("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]"))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).contains("more than 25 MB");
        });
  }
}

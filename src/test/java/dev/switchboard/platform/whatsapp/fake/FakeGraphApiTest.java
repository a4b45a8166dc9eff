package dev.switchboard.platform.whatsapp.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fake answers in Meta's published shapes, whoever calls it. */
class FakeGraphApiTest {
  private static final String TOKEN = "EAAGfakeTOKEN0123456789abcdefghij";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final FakeGraphApi meta = FakeGraphApi.start(TOKEN, "106540352242922", "secret");
  private final HttpClient client = HttpClient.newHttpClient();

  FakeGraphApiTest() throws Exception {}

  @AfterEach
  void stop() {
    meta.close();
    client.close();
  }

  private HttpResponse<String> post(String path, String token, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(meta.baseUrl() + "/v23.0/" + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aTextMessageIsAnsweredWithItsWamid() throws Exception {
    HttpResponse<String> r = post("106540352242922/messages", TOKEN, """
        {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "15550100100",
         "type": "text", "text": {"preview_url": false, "body": "hi"}}""");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("messaging_product").asString()).isEqualTo("whatsapp");
    assertThat(body.path("contacts").path(0).path("wa_id").asString()).isEqualTo("15550100100");
    assertThat(body.path("messages").path(0).path("id").asString()).startsWith("wamid.");
    assertThat(meta.messages("15550100100"))
        .singleElement()
        .satisfies(m -> assertThat(m.text()).isEqualTo("hi"));
  }

  @Test
  void errorsAreMetasErrorBody() throws Exception {
    HttpResponse<String> badToken = post("106540352242922/messages", "nope", "{}");
    assertThat(badToken.statusCode()).isEqualTo(401);
    JsonNode error = JSON.readTree(badToken.body()).path("error");
    assertThat(error.path("code").asInt()).isEqualTo(190);
    assertThat(error.path("type").asString()).isEqualTo("OAuthException");
    assertThat(error.path("fbtrace_id").asString()).isNotEmpty();

    meta.failNext("messages", 400, 131047, 2494010, "(#131047) Re-engagement message", "24h");
    HttpResponse<String> window = post("106540352242922/messages", TOKEN, """
        {"messaging_product": "whatsapp", "to": "15550100100", "type": "text",
         "text": {"body": "late"}}""");
    JsonNode e = JSON.readTree(window.body()).path("error");
    assertThat(window.statusCode()).isEqualTo(400);
    assertThat(e.path("code").asInt()).isEqualTo(131047);
    assertThat(e.path("error_subcode").asInt()).isEqualTo(2494010);
    assertThat(e.path("error_data").path("details").asString()).isEqualTo("24h");

    HttpResponse<String> tooLong = post(
        "106540352242922/messages",
        TOKEN,
        "{\"messaging_product\": \"whatsapp\", \"to\": \"15550100100\", \"type\": \"text\","
            + " \"text\": {\"body\": \"" + "x".repeat(4097) + "\"}}");
    assertThat(JSON.readTree(tooLong.body()).path("error").path("code").asInt()).isEqualTo(100);
    assertThat(meta.messages("15550100100")).isEmpty();
  }

  @Test
  void aReadReceiptMustNameAMessageTheBusinessReceived() throws Exception {
    String wamid = meta.textMessage("15550100100", "Ada", "hello");
    HttpResponse<String> unknown = post("106540352242922/messages", TOKEN, """
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.nope"}""");
    assertThat(unknown.statusCode()).isEqualTo(400);
    HttpResponse<String> ok = post("106540352242922/messages", TOKEN, """
        {"messaging_product": "whatsapp", "status": "read", "message_id": "%s",
         "typing_indicator": {"type": "text"}}""".formatted(wamid));
    assertThat(JSON.readTree(ok.body()).path("success").asBoolean()).isTrue();
    assertThat(meta.reads()).containsExactly(wamid);
  }
}

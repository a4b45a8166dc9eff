package dev.switchboard.platform.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.common.Finding;
import dev.switchboard.common.Heartbeat;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.http.TrustedProxies;
import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.CommandInfo;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.Sender;
import dev.switchboard.platform.whatsapp.fake.FakeGraphApi;
import dev.switchboard.platform.whatsapp.fake.GraphCall;
import dev.switchboard.platform.whatsapp.fake.SentMessage;
import dev.switchboard.platform.whatsapp.fake.WebhookSender;
import dev.switchboard.testing.StubPlatformContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The adapter against the fake Cloud API: Meta's deliveries in, Graph API calls out. */
class WhatsAppAdapterTest {
  private static final String ADA = "15550100100";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private FakeGraphApi meta;
  private WhatsAppAdapter adapter;
  private final BlockingQueue<InboundMessage> received = new LinkedBlockingQueue<>();
  private final AtomicInteger refuseTakes = new AtomicInteger();
  private final RecordingContext context = new RecordingContext();
  private final Logger logger =
      (Logger) LoggerFactory.getLogger("dev.switchboard.platform.whatsapp");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /** A gateway that records the states the adapter reports. */
  static final class RecordingContext implements PlatformContext {
    private final StubPlatformContext stub = new StubPlatformContext();
    final List<String> states = new CopyOnWriteArrayList<>();
    final List<String> failedSends = new CopyOnWriteArrayList<>();
    final List<String> toldOperator = new CopyOnWriteArrayList<>();

    @Override
    public void sendFailed(String platformMessageId, String code, String reason) {
      failedSends.add(code);
    }

    @Override
    public void tellOperator(String text) {
      toldOperator.add(text);
    }

    @Override
    public void spawn(String name, Runnable loop) {
      stub.spawn(name, loop);
    }

    @Override
    public Heartbeat heartbeat(String loopName, Duration maxSilence) {
      return stub.heartbeat(loopName, maxSilence);
    }

    @Override
    public void reportState(PlatformState state, @Nullable String error) {
      states.add(state.label() + ": " + error);
    }

    @Override
    public void claimCredential(String credential) {}

    @Override
    public List<CommandInfo> commands() {
      return List.of();
    }

    @Override
    public Optional<String> loadCursor(String name) {
      return Optional.empty();
    }

    @Override
    public void saveCursor(String name, String value) {}
  }

  @BeforeEach
  void start() throws Exception {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.DEBUG);
    meta = FakeGraphApi.start(
        WhatsAppTesting.TOKEN, WhatsAppTesting.PHONE_ID, WhatsAppTesting.APP_SECRET);
    meta.approveTemplate("reopen_chat", "en_US");
  }

  private void connect(Map<ConfigKey<?>, Object> extra) throws Exception {
    int port = WhatsAppTesting.freePort();
    Map<ConfigKey<?>, Object> values = new HashMap<>(Map.of(
        WhatsAppSettings.API_URL,
        meta.baseUrl(),
        WhatsAppSettings.WEBHOOK_LISTEN,
        "127.0.0.1:" + port));
    values.putAll(extra);
    adapter = new WhatsAppAdapter(WhatsAppTesting.settings(values), TrustedProxies.none());
    adapter.connect(
        m -> {
          if (refuseTakes.getAndDecrement() > 0) {
            throw new IllegalStateException("the journal could not take it");
          }
          received.put(m);
        },
        context);
    meta.callbackUrl(URI.create("http://127.0.0.1:" + port + "/whatsapp"));
  }

  @AfterEach
  void stop() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
      adapter.close();
    }
    meta.close();
    logger.detachAppender(logs);
    logger.setLevel(null);
    assertThat(logs.list)
        .as("no log line holds the token")
        .noneMatch(e -> e.getFormattedMessage().contains(WhatsAppTesting.TOKEN));
  }

  private InboundMessage next() throws InterruptedException {
    InboundMessage m = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(m).as("a message from the webhook").isNotNull();
    return m;
  }

  private static ChatRef ada() {
    return ChatRef.of("whatsapp", ADA);
  }

  @Test
  void aTextComesInAndTheAnswerQuotesItAfterTheTypingIndicator() throws Exception {
    connect(Map.of());
    String wamid = meta.textMessage(ADA, "Ada", "hello there");
    InboundMessage in = next();
    assertThat(in.messageId()).isEqualTo(wamid);
    assertThat(in.text()).isEqualTo("hello there");
    assertThat(in.sender()).isEqualTo(new Sender(ADA, "Ada"));

    adapter.replyStarted(ada(), wamid);
    adapter.typing(ada());
    assertThat(meta.reads()).containsExactly(wamid);
    GraphCall typing = meta.calls().getLast();
    assertThat(typing.body().path("typing_indicator").path("type").asString()).isEqualTo("text");
    assertThat(typing.body().path("status").asString()).isEqualTo("read");

    List<String> parts = adapter.render("**Hi** _there_, see `x`");
    assertThat(parts).containsExactly("*Hi* _there_, see `x`");
    MessageRef ref = adapter.send(ada(), parts.getFirst());
    MessageRef second = adapter.send(ada(), "and more");
    List<SentMessage> sent = meta.messages(ADA);
    assertThat(sent)
        .extracting(SentMessage::text)
        .containsExactly("*Hi* _there_, see `x`", "and more");
    assertThat(ref.messageId()).isEqualTo(sent.get(0).id());
    assertThat(second.messageId()).isEqualTo(sent.get(1).id());
    assertThat(sent.get(0).quoted()).isEqualTo(wamid);
    assertThat(sent.get(1).quoted()).isNull();
    assertThat(sent.get(0).request().path("recipient_type").asString()).isEqualTo("individual");
    assertThat(sent.get(0).request().path("text").path("preview_url").asBoolean(true))
        .isFalse();
    assertThat(meta.calls())
        .allSatisfy(
            c -> assertThat(c.authorization()).isEqualTo("Bearer " + WhatsAppTesting.TOKEN));
  }

  @Test
  void aGroupsMessageIsAnsweredInTheGroup() throws Exception {
    connect(Map.of());
    String wamid = meta.groupTextMessage("120363025246125486", ADA, "Ada", "hello group");
    InboundMessage in = next();
    assertThat(in.group()).isTrue();
    adapter.replyStarted(in.chat(), wamid);
    adapter.send(in.chat(), "hello all");
    SentMessage sent = meta.messages("120363025246125486").getFirst();
    assertThat(sent.request().path("recipient_type").asString()).isEqualTo("group");
    assertThat(sent.text()).isEqualTo("hello all");
    assertThat(sent.quoted()).isEqualTo(wamid);
    assertThat(meta.messages(ADA)).as("not to the person alone").isEmpty();
  }

  @Test
  void aRedeliveryCarriesTheSameWamidSoTheJournalRefusesIt() throws Exception {
    connect(Map.of());
    String wamid = meta.textMessage(ADA, "Ada", "once");
    InboundMessage first = next();
    meta.redeliver(wamid);
    InboundMessage again = next();
    assertThat(again.dedupeKey()).isEqualTo(first.dedupeKey());
    assertThat(again.messageId()).isEqualTo(wamid);
  }

  @Test
  void aDeliveryTheGatewayCouldNotTakeIsRetriedByMeta() throws Exception {
    refuseTakes.set(1);
    connect(Map.of());
    String wamid = meta.textMessage(ADA, "Ada", "again please");
    assertThat(next().messageId()).isEqualTo(wamid);
    await().atMost(WAIT).until(() -> meta.webhook().idle());
    List<WebhookSender.Attempt> attempts = meta.webhook().attempts();
    assertThat(attempts).extracting(WebhookSender.Attempt::status).containsExactly(503, 200);
    assertThat(attempts.get(0).delivery()).isEqualTo(attempts.get(1).delivery());
  }

  @Test
  void metasErrorsAreClassifiedForTheDeliveryLayer() throws Exception {
    connect(Map.of());
    meta.failNext(
        "messages",
        400,
        100,
        2494010,
        "(#100) Invalid parameter",
        "Param text['body'] must be at most 4096 characters long.");
    PlatformException refused = sendFails();
    assertThat(refused.kind()).isEqualTo(PlatformException.Kind.REFUSED);
    assertThat(refused.reason())
        .isEqualTo("Param text['body'] must be at most 4096 characters long.");

    assertThat(catchThrowableOfType(
                PlatformException.class, () -> adapter.send(ada(), "x".repeat(4097)))
            .kind())
        .isEqualTo(PlatformException.Kind.REFUSED);

    meta.failNext("messages", 400, 131009, 0, "(#131009) Parameter value is not valid", "bad");
    assertThat(sendFails().kind()).isEqualTo(PlatformException.Kind.REFUSED);

    meta.rateLimitNext("messages", 130429, 7);
    PlatformException limited = sendFails();
    assertThat(limited.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
    assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    for (int code : List.of(131056, 80007)) {
      meta.failNext("messages", 400, code, 0, "(#" + code + ") rate limit", "");
      PlatformException e = sendFails();
      assertThat(e.kind()).as("code %d", code).isEqualTo(PlatformException.Kind.RATE_LIMITED);
      assertThat(e.retryAfter()).isEqualTo(GraphApiException.DEFAULT_BACKOFF);
    }
    for (int code : List.of(131026, 368)) {
      meta.failNext("messages", 400, code, 0, "(#" + code + ") undeliverable", "");
      assertThat(sendFails().kind()).as("code %d", code).isEqualTo(PlatformException.Kind.FATAL);
    }
    meta.failNext("messages", 500, 131000, 0, "(#131000) Something went wrong", "");
    assertThat(sendFails().kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
    assertThat(meta.messages(ADA)).isEmpty();
  }

  @Test
  void aRefusedTokenMarksThePlatformFailedWithTheReason() throws Exception {
    connect(Map.of());
    meta.revokeToken(true);
    PlatformException e = sendFails();
    assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
    assertThat(e.getMessage()).contains("code 190").doesNotContain(WhatsAppTesting.TOKEN);
    assertThat(context.states)
        .singleElement()
        .satisfies(s -> assertThat(s)
            .startsWith("failed: Meta refused the access token (190)")
            .contains("Session has expired")
            .doesNotContain(WhatsAppTesting.TOKEN));

    meta.revokeToken(false); // a new token in Meta's eyes: the next send works again
    adapter.send(ada(), "back");
    assertThat(context.states).hasSize(2).last().isEqualTo("connected: null");
  }

  @Test
  void aConnectWithARefusedTokenFailsFatally() throws Exception {
    meta.revokeToken(true);
    PlatformException e = catchThrowableOfType(PlatformException.class, () -> connect(Map.of()));
    assertThat(e.kind()).isEqualTo(PlatformException.Kind.FATAL);
    adapter = null;
  }

  @Test
  void outsideTheWindowTheTemplateGoesInsteadWhenOneIsSet() throws Exception {
    connect(Map.of());
    meta.failNext(
        "messages",
        400,
        131047,
        2494010,
        "(#131047) Re-engagement message",
        "More than 24 hours have passed since the recipient last replied");
    assertThat(sendFails().kind()).isEqualTo(PlatformException.Kind.FATAL);
    assertThat(logs.list)
        .anyMatch(l -> l.getLevel() == Level.WARN
            && l.getFormattedMessage().contains("has not written for 24 hours")
            && l.getFormattedMessage().contains("platforms.whatsapp.template_name"));
    assertThat(context.toldOperator)
        .singleElement()
        .asString()
        .contains(ADA)
        .contains("platforms.whatsapp.template_name");
    meta.failNext("messages", 400, 131047, 2494010, "(#131047) Re-engagement message", "");
    assertThat(sendFails().kind()).isEqualTo(PlatformException.Kind.FATAL);
    assertThat(context.toldOperator).as("once an hour, not at every part").hasSize(1);
    adapter.disconnect();
    adapter.close();

    connect(Map.of(WhatsAppSettings.TEMPLATE_NAME, "reopen_chat"));
    meta.failNext("messages", 400, 131047, 2494010, "(#131047) Re-engagement message", "");
    MessageRef ref = adapter.send(ada(), "the late answer");
    SentMessage template = meta.messages(ADA).getLast();
    assertThat(template.type()).isEqualTo("template");
    assertThat(template.id()).isEqualTo(ref.messageId());
    assertThat(template.request().path("template").path("language").path("code").asString())
        .isEqualTo("en_US");
  }

  @Test
  void aFailedStatusIsLoggedAndAClosedWindowGetsTheTemplateOnce() throws Exception {
    connect(Map.of(WhatsAppSettings.TEMPLATE_NAME, "reopen_chat"));
    meta.closeWindow(ADA);
    adapter.send(ada(), "part one");
    adapter.send(ada(), "part two");
    await().atMost(WAIT).until(() -> adapter.failedSends() == 2);
    await()
        .atMost(WAIT)
        .until(() -> meta.messages(ADA).stream().anyMatch(m -> m.type().equals("template")));
    assertThat(meta.messages(ADA).stream().filter(m -> m.type().equals("template")))
        .hasSize(1);
    assertThat(context.failedSends).containsExactly("131047", "131047");
    assertThat(context.toldOperator)
        .singleElement()
        .asString()
        .contains("sending the template 'reopen_chat' instead");
    assertThat(logs.list)
        .anyMatch(l -> l.getLevel() == Level.WARN
            && l.getFormattedMessage().contains("could not deliver message")
            && l.getFormattedMessage().contains("131047 Re-engagement message"));
  }

  @Test
  void filesComeInAsAttachmentsAndGoOutAsMedia() throws Exception {
    connect(Map.of());
    byte[] jpeg = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3, 4};
    meta.mediaMessage(ADA, "Ada", "image", "image/jpeg", jpeg, "a photo", null, false);
    InboundMessage in = next();
    assertThat(in.text()).isEqualTo("a photo");
    Attachment photo = in.attachments().getFirst();
    assertThat(photo.kind()).isEqualTo(AttachmentKind.IMAGE);
    try (InputStream bytes = adapter.download(photo)) {
      assertThat(bytes.readAllBytes()).isEqualTo(jpeg);
    }
    meta.mediaMessage(
        ADA, "Ada", "audio", "audio/ogg; codecs=opus", new byte[] {9}, null, null, true);
    assertThat(next().attachments().getFirst().kind()).isEqualTo(AttachmentKind.VOICE);

    Path png = Files.write(dir.resolve("chart.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    adapter.sendFile(
        ada(),
        new OutboundFile(AttachmentKind.IMAGE, "image/png", "chart.png", png, 4, "the chart"));
    SentMessage image = meta.messages(ADA).getLast();
    assertThat(image.type()).isEqualTo("image");
    assertThat(image.text()).isEqualTo("the chart");
    assertThat(meta.media(image.mediaId())).isEqualTo(Files.readAllBytes(png));
    GraphCall upload = meta.calls().stream()
        .filter(c -> c.path().endsWith("/media"))
        .findFirst()
        .orElseThrow();
    assertThat(upload.body().path("messaging_product").asString()).isEqualTo("whatsapp");
    assertThat(upload.body().path("type").asString()).isEqualTo("image/png");

    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b\n1,2\n");
    adapter.sendFile(
        ada(), new OutboundFile(AttachmentKind.DOCUMENT, "text/csv", "data.csv", csv, 8, ""));
    SentMessage document = meta.messages(ADA).getLast();
    assertThat(document.type()).isEqualTo("document");
    assertThat(document.request().path("document").path("filename").asString())
        .isEqualTo("data.csv");

    Path ogg = Files.write(dir.resolve("reply.ogg"), new byte[] {'O', 'g', 'g', 'S'});
    adapter.sendFile(
        ada(),
        new OutboundFile(AttachmentKind.VOICE, "audio/ogg", "reply.ogg", ogg, 4, "said aloud"));
    List<SentMessage> last = meta.messages(ADA);
    assertThat(last.get(last.size() - 2).type()).isEqualTo("audio");
    assertThat(last.get(last.size() - 2).request().path("audio").has("caption")).isFalse();
    assertThat(last.getLast().text()).isEqualTo("said aloud");
  }

  @Test
  void whatsAppCannotEditSoRepliesGoWhole() throws Exception {
    connect(Map.of());
    assertThat(adapter.limits().supportsEdit()).isFalse();
    assertThat(adapter.limits().maxMessageLength()).isEqualTo(4096);
    assertThat(catchThrowableOfType(
                PlatformException.class, () -> adapter.edit(new MessageRef(ada(), "wamid.x"), "x"))
            .fatal())
        .isTrue();
    assertThat(adapter.render("   ")).containsExactly("\u2026");
  }

  @Test
  void doctorNamesTheNumberOrSaysTheTokenIsRefused() throws Exception {
    WhatsAppAdapterFactory f = new WhatsAppAdapterFactory();
    var config = WhatsAppTesting.config(Map.of(WhatsAppSettings.API_URL, meta.baseUrl()));
    List<Finding> ok = f.diagnose(config, dir);
    assertThat(ok).singleElement().satisfies(x -> {
      assertThat(x.level()).isEqualTo(Finding.Level.OK);
      assertThat(x.message()).contains("+1 555-010-2922").contains("Switchboard Test");
    });
    meta.revokeToken(true);
    List<Finding> refused = f.diagnose(config, dir);
    assertThat(refused).singleElement().satisfies(x -> {
      assertThat(x.level()).isEqualTo(Finding.Level.FAIL);
      assertThat(x.message())
          .contains("refused the access token")
          .doesNotContain(WhatsAppTesting.TOKEN);
      assertThat(x.fix()).contains("WHATSAPP_ACCESS_TOKEN");
    });
  }

  private PlatformException sendFails() {
    PlatformException e =
        catchThrowableOfType(PlatformException.class, () -> adapter.send(ada(), "hello"));
    assertThat(e).as("the send failed").isNotNull();
    return e;
  }
}

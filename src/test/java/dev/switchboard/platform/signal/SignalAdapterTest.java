package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.switchboard.platform.Attachment;
import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.MessageRef;
import dev.switchboard.platform.OutboundFile;
import dev.switchboard.platform.PlatformContext;
import dev.switchboard.platform.PlatformException;
import dev.switchboard.platform.PlatformState;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon;
import dev.switchboard.platform.signal.fake.FakeSignalDaemon.Person;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Signal adapter against the fake signal-cli daemon on loopback. */
class SignalAdapterTest {
  static final String BOT = "+4915100000001";
  static final Person ANN =
      new Person("5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa", "+14155550101", "Ann");
  static final Person BOB =
      new Person("5b1d7f8e-2222-4c2a-9d3e-bbbbbbbbbbbb", "+14155550102", "Bob");
  /** A sender whose number is hidden (phone number privacy). */
  static final Person HIDDEN = new Person("5b1d7f8e-3333-4c2a-9d3e-cccccccccccc", null, "Hid");

  static final String GROUP = "Pmpi+EfPWmsxiomLe9Nx2XF9HOE483p6iKiFj65iMwI=";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private FakeSignalDaemon daemon;
  private SignalAdapter adapter;
  private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  private final List<PlatformState> states = new CopyOnWriteArrayList<>();
  private final PlatformContext context = new RecordingContext(states);

  @AfterEach
  void tearDown() throws Exception {
    if (adapter != null) {
      adapter.disconnect();
      adapter.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private void connect(FakeSignalDaemon d, @Nullable String reaction, boolean receipts)
      throws Exception {
    daemon = d;
    adapter = adapter(reaction, receipts);
    adapter.connect(inbound::add, context);
  }

  private SignalAdapter adapter(@Nullable String reaction, boolean receipts) {
    SignalSettings s = new SignalSettings(
        BOT,
        URI.create(daemon.baseUrl()),
        List.of(ANN.number(), BOB.uuid()),
        List.of(),
        reaction,
        receipts);
    return new SignalAdapter(s, s.url(), Clock.systemUTC());
  }

  private void connect() throws Exception {
    connect(FakeSignalDaemon.singleAccount(BOT), null, false);
  }

  @Test
  void directAndGroupMessagesArriveWithStableIdsAndTheRightSender() throws Exception {
    connect();
    long t1 = daemon.directMessage(ANN, "hello");
    long t2 = daemon.groupMessage(GROUP, BOB, "hi all");
    long t3 = daemon.directMessage(HIDDEN, "who am I");
    await().atMost(WAIT).until(() -> inbound.size() == 3);

    InboundMessage direct = inbound.get(0);
    assertThat(direct.chat()).isEqualTo(ChatRef.of("signal", ANN.uuid()));
    assertThat(direct.messageId()).isEqualTo(ANN.uuid() + ":" + t1);
    assertThat(direct.sender().userId()).isEqualTo(ANN.number()); // the allowlist names the number
    assertThat(direct.sender().displayName()).isEqualTo("Ann");
    assertThat(direct.group()).isFalse();
    assertThat(direct.text()).isEqualTo("hello");

    InboundMessage group = inbound.get(1);
    assertThat(group.chat()).isEqualTo(ChatRef.of("signal", "group." + GROUP));
    assertThat(group.group()).isTrue();
    assertThat(group.sender().userId()).isEqualTo(BOB.uuid()); // the allowlist names the UUID
    assertThat(group.messageId()).isEqualTo(BOB.uuid() + ":" + t2);

    assertThat(inbound.get(2).sender().userId()).isEqualTo(HIDDEN.uuid());
    assertThat(inbound.get(2).messageId()).isEqualTo(HIDDEN.uuid() + ":" + t3);
  }

  @Test
  void mentionsAreWrittenOutWhereSignalPutsItsPlaceholder() throws Exception {
    connect();
    daemon.rawEvent("{\"account\":\"" + BOT + "\",\"envelope\":{\"sourceUuid\":\"" + BOB.uuid()
        + "\",\"timestamp\":9,\"dataMessage\":{\"timestamp\":9,"
        + "\"message\":\"\uFFFC ask \uFFFC\",\"mentions\":["
        + "{\"name\":\"" + BOT + "\",\"number\":\"" + BOT
        + "\",\"uuid\":\"u1\",\"start\":0,\"length\":1},"
        + "{\"name\":\"x\",\"number\":null,\"uuid\":\"" + ANN.uuid()
        + "\",\"start\":6,\"length\":1}],"
        + "\"groupInfo\":{\"groupId\":\"" + GROUP + "\",\"type\":\"DELIVER\",\"revision\":1}}}}");
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    assertThat(inbound.getFirst().text()).isEqualTo("@" + BOT + " ask @" + ANN.uuid());
  }

  @Test
  void anEventNamingNoAccountAndTheJsonRpcNotificationFormAreReadToo() throws Exception {
    connect();
    String envelope = "{\"sourceUuid\":\"" + ANN.uuid() + "\",\"sourceNumber\":\""
        + ANN.number() + "\",\"timestamp\":11,\"dataMessage\":{\"timestamp\":11,"
        + "\"message\":\"%s\"}}";
    daemon.rawEvent("{\"envelope\":" + envelope.formatted("no account named") + "}");
    daemon.rawEvent("{\"jsonrpc\":\"2.0\",\"method\":\"receive\",\"params\":{\"envelope\":"
        + envelope.formatted("as a notification") + "}}");
    daemon.rawEvent("{\"jsonrpc\":\"2.0\",\"method\":\"receive\",\"params\":{\"subscription\":0,"
        + "\"result\":{\"envelope\":" + envelope.formatted("subscribed") + ",\"account\":\"" + BOT
        + "\"}}}");
    await().atMost(WAIT).until(() -> inbound.size() == 3);
    assertThat(inbound)
        .extracting(InboundMessage::text)
        .containsExactly("no account named", "as a notification", "subscribed");
  }

  @Test
  void aRedeliveredEnvelopeHasTheSameIdSoTheJournalDropsIt() throws Exception {
    connect();
    long t = daemon.directMessage(ANN, "once");
    daemon.redeliver(ANN, t, "once", null);
    await().atMost(WAIT).until(() -> inbound.size() == 2);
    assertThat(inbound.get(0).dedupeKey()).isEqualTo(inbound.get(1).dedupeKey());
  }

  @Test
  void typingReceiptsSyncOtherAccountsAndGarbageAreSkippedWithoutBreakingTheStream()
      throws Exception {
    connect();
    JsonMapper json = JsonMapper.builder().build();
    daemon.otherEnvelope(
        ANN,
        "typingMessage",
        json.createObjectNode().put("action", "STARTED").put("timestamp", 1L));
    daemon.otherEnvelope(
        ANN,
        "receiptMessage",
        json.createObjectNode()
            .put("when", 1L)
            .put("isDelivery", true)
            .put("isRead", false)
            .put("isViewed", false));
    daemon.otherEnvelope(ANN, "syncMessage", json.createObjectNode());
    daemon.rawEvent("{\"account\":\"+4915199999999\",\"envelope\":{\"sourceUuid\":\"x\","
        + "\"timestamp\":5,\"dataMessage\":{\"timestamp\":5,\"message\":\"not ours\"}}}");
    daemon.rawEvent("{not json");
    daemon.rawEvent("{\"account\":\"" + BOT + "\",\"envelope\":{\"dataMessage\":[1,2]}}");
    daemon.rawEvent("{\"account\":\"" + BOT + "\",\"envelope\":{\"sourceUuid\":\"" + ANN.uuid()
        + "\",\"timestamp\":7,\"dataMessage\":{\"timestamp\":7,\"message\":null,"
        + "\"reaction\":{\"emoji\":\"x\"}}}}");
    daemon.directMessage(ANN, "after all that");
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    assertThat(inbound.getFirst().text()).isEqualTo("after all that");
  }

  @Test
  void repliesGoThroughSendAndTheTimestampIsTheReference() throws Exception {
    connect();
    MessageRef direct = adapter.send(ChatRef.of("signal", ANN.uuid()), "hi Ann");
    MessageRef group = adapter.send(ChatRef.of("signal", "group." + GROUP), "hi group");
    List<FakeSignalDaemon.Sent> sent = daemon.sent();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).recipients()).containsExactly(ANN.uuid());
    assertThat(sent.get(0).params().path("account").asString()).isEqualTo(BOT);
    assertThat(direct.messageId()).isEqualTo(Long.toString(sent.get(0).timestamp()));
    assertThat(sent.get(1).groupId()).isEqualTo(GROUP);
    assertThat(sent.get(1).recipients()).isEmpty();
    assertThat(group.messageId()).isEqualTo(Long.toString(sent.get(1).timestamp()));
    assertThat(adapter.limits().supportsEdit()).isFalse();
  }

  @Test
  void renderedRepliesCarryTheirStylesAndPlainOnesDoNot() throws Exception {
    connect();
    ChatRef chat = ChatRef.of("signal", ANN.uuid());
    List<String> texts =
        adapter.render("Some **bold**, *it*, ~~gone~~ and `x = 1`; [site](https://e.org)");
    assertThat(texts).containsExactly("Some bold, it, gone and x = 1; site (https://e.org)");
    adapter.send(chat, texts.getFirst());
    assertThat(daemon.sent().getFirst().textStyles())
        .containsExactly("5:4:BOLD", "11:2:ITALIC", "15:4:STRIKETHROUGH", "24:5:MONOSPACE");
    adapter.sendPlain(chat, texts.getFirst());
    adapter.send(chat, "a notice nobody rendered");
    assertThat(daemon.sent().get(1).params().has("textStyle")).isFalse();
    assertThat(daemon.sent().get(2).params().has("textStyle")).isFalse();
  }

  @Test
  void aLongReplyIsSplitWithinTwoThousandCodeUnits() throws Exception {
    connect();
    String para = "word ".repeat(300).strip();
    List<String> texts = adapter.render(para + "\n\n" + para + "\n\n" + para);
    assertThat(texts).hasSizeGreaterThan(1).allMatch(t -> t.length() <= 2000);

    String styled = "**bold** " + "word ".repeat(300).strip();
    List<String> parts = adapter.render(styled + "\n\n" + styled + "\n\n" + styled);
    assertThat(parts).hasSizeGreaterThan(1);
    ChatRef chat = ChatRef.of("signal", ANN.uuid());
    for (String part : parts) {
      adapter.send(chat, part);
    }
    assertThat(daemon.sent())
        .hasSize(parts.size())
        .allSatisfy(s -> assertThat(s.textStyles()).contains("0:4:BOLD"));
  }

  @Test
  void inAGroupTheFirstPartOfAReplyQuotesTheMessageItAnswers() throws Exception {
    connect();
    ChatRef group = ChatRef.of("signal", "group." + GROUP);
    String asked = BOB.uuid() + ":1764300000123";
    adapter.replyStarted(group, asked);
    adapter.typing(group);
    adapter.send(group, "part one");
    adapter.send(group, "part two");
    adapter.replyFinished(group, asked, "part one part two");
    JsonNode first = daemon.sent().get(0).params();
    assertThat(first.path("quoteTimestamp").asLong()).isEqualTo(1764300000123L);
    assertThat(first.path("quoteAuthor").asString()).isEqualTo(BOB.uuid());
    assertThat(daemon.sent().get(1).params().has("quoteTimestamp")).isFalse();
    List<JsonNode> typing = daemon.calls("sendTyping");
    assertThat(typing).hasSize(2);
    assertThat(typing.get(0).path("groupId").asString()).isEqualTo(GROUP);
    assertThat(typing.get(0).has("stop")).isFalse();
    assertThat(typing.get(1).path("stop").asBoolean()).isTrue();

    ChatRef direct = ChatRef.of("signal", ANN.uuid());
    adapter.replyStarted(direct, ANN.uuid() + ":5");
    adapter.send(direct, "no quote in a direct chat");
    adapter.replyFinished(direct, ANN.uuid() + ":5", "no quote in a direct chat");
    // an answer that came before the typing delay: nothing to stop, so no typing call at all
    assertThat(daemon.calls("sendTyping")).hasSize(2);
    assertThat(daemon.sent().get(2).params().has("quoteTimestamp")).isFalse();
  }

  @Test
  void aTakenMessageGetsAReadReceiptAndTheReaction() throws Exception {
    connect(FakeSignalDaemon.singleAccount(BOT), "\uD83D\uDC40", true);
    long t = daemon.directMessage(ANN, "seen?");
    long g = daemon.groupMessage(GROUP, BOB, "and here?");
    daemon.groupMessage(GROUP, HIDDEN, "a stranger in the group"); // not acknowledged
    await().atMost(WAIT).until(() -> daemon.calls("sendReaction").size() == 2);
    await().atMost(WAIT).until(() -> inbound.size() == 3);
    List<JsonNode> receipts = daemon.calls("sendReceipt");
    assertThat(receipts).hasSize(2);
    assertThat(receipts.get(0).path("recipient").asString()).isEqualTo(ANN.uuid());
    assertThat(receipts.get(0).path("type").asString()).isEqualTo("read");
    assertThat(receipts.get(0).path("targetTimestamp").get(0).asLong()).isEqualTo(t);
    JsonNode reaction = daemon.calls("sendReaction").get(1);
    assertThat(reaction.path("groupId").asString()).isEqualTo(GROUP);
    assertThat(reaction.path("emoji").asString()).isEqualTo("\uD83D\uDC40");
    assertThat(reaction.path("targetAuthor").asString()).isEqualTo(BOB.uuid());
    assertThat(reaction.path("targetTimestamp").asLong()).isEqualTo(g);
  }

  @Test
  void filesComeInThroughGetAttachmentAndGoOutAsDataUris() throws Exception {
    connect();
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    daemon.directMessageWithFiles(
        ANN,
        "look",
        List.of(
            daemon.storeAttachment("image/png", "cat.png", png),
            daemon.storeAttachment(
                "text/x-signal-plain", null, "long".getBytes(StandardCharsets.UTF_8))));
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    List<Attachment> files = inbound.getFirst().attachments();
    assertThat(files).hasSize(1);
    Attachment cat = files.getFirst();
    assertThat(cat.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(cat.fileName()).isEqualTo("cat.png");
    assertThat(cat.size()).isEqualTo(png.length);
    try (InputStream in = adapter.download(cat)) {
      assertThat(in.readAllBytes()).isEqualTo(png);
    }
    Attachment gone =
        new Attachment(AttachmentKind.IMAGE, "image/png", 3, null, ANN.uuid() + "/nosuchfile.png");
    assertThat(catchThrowableOfType(PlatformException.class, () -> adapter.download(gone))
            .fatal())
        .isTrue();

    Path report = Files.writeString(dir.resolve("store-abc123"), "the report");
    adapter.sendFile(
        ChatRef.of("signal", "group." + GROUP),
        new OutboundFile(
            AttachmentKind.DOCUMENT,
            "text/plain; charset=utf-8",
            "my report;v2.txt",
            report,
            10,
            "here"));
    FakeSignalDaemon.Sent sent = daemon.sent().getFirst();
    assertThat(sent.text()).isEqualTo("here");
    assertThat(sent.attachments())
        .containsExactly("data:text/plain;filename=my+report%3Bv2.txt;base64,"
            + Base64.getEncoder().encodeToString("the report".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void errorsAreClassifiedForTheRetryPolicy() throws Exception {
    connect();
    ChatRef chat = ChatRef.of("signal", ANN.number());
    daemon.failNext(
        -5,
        "Failed to send message due to rate limiting",
        FakeSignalDaemon.sendFailure(ANN.number(), "RATE_LIMIT_FAILURE", 42L));
    PlatformException limited =
        catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"));
    assertThat(limited.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
    assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(42));

    JsonMapper json = JsonMapper.builder().build();
    var proof = FakeSignalDaemon.sendFailure(ANN.number(), "RATE_LIMIT_FAILURE", 7L);
    ((tools.jackson.databind.node.ObjectNode)
            proof.path("response").path("results").get(0))
        .put("token", "challenge-token");
    daemon.failNext(-5, "Failed to send message due to rate limiting", proof);
    PlatformException challenged =
        catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"));
    assertThat(challenged.kind()).isEqualTo(PlatformException.Kind.RATE_LIMITED);
    assertThat(challenged.getMessage()).contains("captcha").contains("submitRateLimitChallenge");

    daemon.failNext(-4, "Failed to send message due to untrusted identities", json.nullNode());
    PlatformException untrusted =
        catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"));
    assertThat(untrusted.kind()).isEqualTo(PlatformException.Kind.REFUSED);
    assertThat(untrusted.reason()).contains("safety number");

    daemon.unregister(ANN.number());
    PlatformException unregistered =
        catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"));
    assertThat(unregistered.kind()).isEqualTo(PlatformException.Kind.FATAL);

    daemon.failNext(-3, "Failed to send: network", json.nullNode());
    assertThat(catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"))
            .kind())
        .isEqualTo(PlatformException.Kind.TRANSIENT);
    daemon.failNext(
        -1,
        "Failed to send message",
        FakeSignalDaemon.sendFailure(ANN.number(), "NETWORK_FAILURE", null));
    assertThat(catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"))
            .kind())
        .isEqualTo(PlatformException.Kind.TRANSIENT);
    daemon.failNext(-1, "Invalid group id", json.nullNode());
    assertThat(catchThrowableOfType(PlatformException.class, () -> adapter.send(chat, "x"))
            .kind())
        .isEqualTo(PlatformException.Kind.FATAL);
    assertThat(daemon.sent()).isEmpty();
  }

  @Test
  void aDaemonThatDoesNotAnswerIsATransientFailure() throws Exception {
    connect();
    SignalSettings s =
        new SignalSettings(BOT, URI.create("http://127.0.0.1:1"), List.of(), List.of(), null, true);
    SignalAdapter nowhere = new SignalAdapter(s, s.url(), Clock.systemUTC());
    try {
      PlatformException e = catchThrowableOfType(
          PlatformException.class, () -> nowhere.send(ChatRef.of("signal", ANN.uuid()), "x"));
      assertThat(e.kind()).isEqualTo(PlatformException.Kind.TRANSIENT);
      assertThat(e.getMessage()).contains("not answering");
    } finally {
      nowhere.close();
    }
  }

  @Test
  void anAccountTheDaemonDoesNotHaveFailsTheConnectWithTheReason() throws Exception {
    daemon = FakeSignalDaemon.multiAccount("+4915199999999");
    adapter = adapter(null, true);
    PlatformException e =
        catchThrowableOfType(PlatformException.class, () -> adapter.connect(inbound::add, context));
    assertThat(e.fatal()).isTrue();
    assertThat(e.getMessage()).contains(BOT).contains("not registered");
    assertThat(states).contains(PlatformState.FAILED);
  }

  @Test
  void aMultiAccountDaemonServesOurAccountByName() throws Exception {
    connect(FakeSignalDaemon.multiAccount("+4915199999999", BOT), null, false);
    adapter.send(ChatRef.of("signal", ANN.uuid()), "from the right account");
    assertThat(daemon.sent().getFirst().params().path("account").asString()).isEqualTo(BOT);
  }

  @Test
  void aDroppedStreamReconnectsAndWhatCameMeanwhileArrivesOnce() throws Exception {
    connect();
    daemon.directMessage(ANN, "before");
    await().atMost(WAIT).until(() -> inbound.size() == 1);
    daemon.eventsStatus(503); // the daemon is restarting
    daemon.dropStreams();
    daemon.directMessage(ANN, "during");
    await()
        .atMost(WAIT)
        .until(() -> states.contains(PlatformState.CONNECTING)
            && states.getLast() != PlatformState.CONNECTED);
    daemon.eventsStatus(200);
    await().atMost(WAIT).until(() -> inbound.size() == 2 && daemon.openStreams() == 1);
    daemon.directMessage(ANN, "after");
    await().atMost(WAIT).until(() -> inbound.size() == 3);
    assertThat(inbound)
        .extracting(InboundMessage::text)
        .containsExactly("before", "during", "after");
    assertThat(states.getLast()).isEqualTo(PlatformState.CONNECTED);
  }
}

package dev.switchboard.platform.mattermost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.platform.AttachmentKind;
import dev.switchboard.platform.InboundMessage;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which {@code posted} events reach the agent, read from the event's shape as the server writes
 * it: {@code data.post} and {@code data.mentions} are JSON documents inside strings.
 */
class InboundPostsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOT = "bot0000000000000000000001a";
  private static final String BOB = "t1pn9rb63fnpjrqibgriijcx4r";
  private static final String CHANNEL = "4ckrmjaeeb8mbpodbmo6bknpge";
  private static final String POST_ID = "a4aurxyyc3yruntz4zfmdw75nr";
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private final InboundPosts posts =
      new InboundPosts(Set.of("town0000000000000000000000"), BOT, "switchboard");

  private static ObjectNode post(String user, String channel, String message) {
    return JSON.createObjectNode()
        .put("id", POST_ID)
        .put("create_at", 1761422860825L)
        .put("update_at", 1761422860825L)
        .put("delete_at", 0)
        .put("user_id", user)
        .put("channel_id", channel)
        .put("root_id", "")
        .put("message", message)
        .put("type", "")
        .set("props", JSON.createObjectNode().put("disable_group_highlight", true));
  }

  private static ObjectNode event(ObjectNode post, String channelType, boolean mentionsBot) {
    ObjectNode data = JSON.createObjectNode()
        .put("channel_type", channelType)
        .put("post", post.toString())
        .put("sender_name", "@bob")
        .put("team_id", "");
    if (mentionsBot) {
      data.put("mentions", "[\"" + BOT + "\"]");
    }
    return data;
  }

  @Test
  void aDirectMessageIsForTheBotAndIsNoGroupChat() {
    InboundMessage m = posts
        .fromEvent(event(post(BOB, CHANNEL, "hello there"), "D", false), NOW)
        .orElseThrow();
    assertThat(m.text()).isEqualTo("hello there");
    assertThat(m.group()).isFalse();
    assertThat(m.chat().chatId()).isEqualTo(CHANNEL);
    assertThat(m.chat().threadId()).isNull();
    assertThat(m.messageId()).isEqualTo(POST_ID);
    assertThat(m.sender().userId()).isEqualTo(BOB);
    assertThat(m.sender().displayName()).isEqualTo("bob");
    assertThat(m.receivedAt()).isEqualTo(NOW);
  }

  @Test
  void aMentionInAChannelIsAnsweredInAThreadUnderItWithTheMentionTakenOut() {
    InboundMessage m = posts
        .fromEvent(event(post(BOB, CHANNEL, "@switchboard what is up?"), "O", true), NOW)
        .orElseThrow();
    assertThat(m.text()).isEqualTo("what is up?");
    assertThat(m.group()).isTrue();
    assertThat(m.chat().threadId()).isEqualTo(POST_ID);
  }

  @Test
  void aPostInAThreadStaysInThatThread() {
    ObjectNode p = post(BOB, CHANNEL, "and then? @switchboard");
    p.put("root_id", "root0000000000000000000000");
    InboundMessage m = posts.fromEvent(event(p, "P", true), NOW).orElseThrow();
    assertThat(m.chat().threadId()).isEqualTo("root0000000000000000000000");
    assertThat(m.text()).isEqualTo("and then?");
  }

  @Test
  void aMentionIsFoundInTheTextWhenTheServerSentNoMentionList() {
    assertThat(posts.fromPost(post(BOB, CHANNEL, "hi @Switchboard."), "O", NOW))
        .get()
        .extracting(InboundMessage::text)
        .isEqualTo("hi .");
    assertThat(posts.fromPost(post(BOB, CHANNEL, "hi @switchboard-dev"), "O", NOW))
        .isEmpty();
    assertThat(posts.fromPost(post(BOB, CHANNEL, "mail me@switchboard.io"), "O", NOW))
        .isEmpty();
  }

  @Test
  void channelPostsThatDoNotMentionTheBotAreNotForIt() {
    assertThat(posts.fromEvent(event(post(BOB, CHANNEL, "lunch?"), "O", false), NOW))
        .isEmpty();
  }

  @Test
  void everyPostInAConfiguredChannelIsForTheBot() {
    assertThat(posts.fromEvent(
            event(post(BOB, "town0000000000000000000000", "lunch?"), "O", false), NOW))
        .get()
        .extracting(InboundMessage::text)
        .isEqualTo("lunch?");
  }

  @Test
  void theBotsOwnPostsBotsWebhooksSystemAndDeletedPostsAreNotAnswered() {
    assertThat(posts.fromEvent(event(post(BOT, CHANNEL, "my reply"), "D", false), NOW))
        .isEmpty();
    ObjectNode fromBot = post(BOB, CHANNEL, "beep");
    ((ObjectNode) fromBot.path("props")).put("from_bot", "true");
    assertThat(posts.fromEvent(event(fromBot, "D", false), NOW)).isEmpty();
    ObjectNode hook = post(BOB, CHANNEL, "deploy done");
    ((ObjectNode) hook.path("props")).put("from_webhook", "true");
    assertThat(posts.fromEvent(event(hook, "D", false), NOW)).isEmpty();
    ObjectNode system = post(BOB, CHANNEL, "bob joined the channel.");
    system.put("type", "system_join_channel");
    assertThat(posts.fromEvent(event(system, "D", false), NOW)).isEmpty();
    ObjectNode deleted = post(BOB, CHANNEL, "oops");
    deleted.put("delete_at", 1761422860999L);
    assertThat(posts.fromPost(deleted, "D", NOW)).isEmpty();
  }

  @Test
  void filesComeAsAttachmentsByTheirIdAndAPostOfFilesAloneCounts() {
    ObjectNode p = post(BOB, CHANNEL, "");
    p.putObject("metadata")
        .putArray("files")
        .add(JSON.createObjectNode()
            .put("id", "file0000000000000000000001")
            .put("name", "cat.png")
            .put("extension", "png")
            .put("size", 2048)
            .put("mime_type", "image/png"))
        .add(JSON.createObjectNode()
            .put("id", "file0000000000000000000002")
            .put("name", "notes.ogg")
            .put("size", 10))
        .add(JSON.createObjectNode().put("id", "../../users/me").put("name", "x"));
    InboundMessage m = posts.fromEvent(event(p, "D", false), NOW).orElseThrow();
    assertThat(m.text()).isEmpty();
    assertThat(m.attachments()).hasSize(2);
    assertThat(m.attachments().get(0).kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(m.attachments().get(0).ref()).isEqualTo("file0000000000000000000001");
    assertThat(m.attachments().get(0).size()).isEqualTo(2048);
    assertThat(m.attachments().get(0).fileName()).isEqualTo("cat.png");
    assertThat(m.attachments().get(1).kind()).isEqualTo(AttachmentKind.AUDIO);
  }

  @Test
  void anEmptyPostOrOneThatIsNotJsonIsSkipped() {
    assertThat(posts.fromEvent(event(post(BOB, CHANNEL, "   "), "D", false), NOW))
        .isEmpty();
    ObjectNode broken = JSON.createObjectNode().put("channel_type", "D").put("post", "{not json");
    assertThat(posts.fromEvent(broken, NOW)).isEmpty();
    JsonNode empty = JSON.createObjectNode();
    assertThat(posts.fromEvent(empty, NOW)).isEqualTo(Optional.empty());
  }
}

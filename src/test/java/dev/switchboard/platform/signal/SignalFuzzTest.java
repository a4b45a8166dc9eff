package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing of what signal-cli sends and of what the adapter renders: a receive event is a message
 * or nothing, never an exception; every text style of a rendered message lies within it.
 */
@AddLifecycleHook(FuzzTries.class)
class SignalFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String BOT = "+4915100000001";

  static final JsonNode DIRECT = JSON.readTree("""
      {"account":"+4915100000001","envelope":{"source":"+14155550101",
       "sourceNumber":"+14155550101","sourceUuid":"5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa",
       "sourceName":"Ann","sourceDevice":1,"timestamp":1764300000001,
       "serverReceivedTimestamp":1764300000005,"serverDeliveredTimestamp":1764300000009,
       "dataMessage":{"timestamp":1764300000001,"message":"hello","expiresInSeconds":0,
        "viewOnce":false,"attachments":[{"contentType":"image/png","filename":"a.png",
        "id":"Dl3kx.png","size":12,"width":null,"height":null,"caption":null,
        "uploadTimestamp":1764300000000}]}}}
      """);
  static final JsonNode GROUP = JSON.readTree("""
      {"account":"+4915100000001","envelope":{"source":"5b1d7f8e-2222-4c2a-9d3e-bbbbbbbbbbbb",
       "sourceNumber":null,"sourceUuid":"5b1d7f8e-2222-4c2a-9d3e-bbbbbbbbbbbb",
       "sourceName":"Bob","sourceDevice":2,"timestamp":1764300000002,
       "dataMessage":{"timestamp":1764300000002,"message":"hi all","expiresInSeconds":0,
        "quote":{"id":1764300000001,"author":"+14155550101","authorNumber":"+14155550101",
         "authorUuid":"5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa","text":"hello","attachments":[]},
        "groupInfo":{"groupId":"Pmpi+EfPWmsxiomLe9Nx2XF9HOE483p6iKiFj65iMwI=",
         "groupName":"G","revision":3,"type":"DELIVER"}}}}
      """);

  @Provide
  Arbitrary<String> events() {
    return Arbitraries.oneOf(
        Fuzz.mutated(DIRECT).map(JsonNode::toString),
        Fuzz.mutated(GROUP).map(JsonNode::toString),
        Fuzz.oddValues().map(JsonNode::toString),
        Fuzz.garbage(),
        Fuzz.jsonSoup());
  }

  @Property(tries = 400)
  void anEventIsAMessageOrNothingNeverAnException(@ForAll("events") String data) throws Exception {
    InboundEvents events = new InboundEvents("signal", BOT, Set.of("+14155550101"));
    Optional<InboundEvents.Received> r = Fuzz.within(() -> events.from(data, Instant.EPOCH));
    r.ifPresent(got -> {
      assertThat(got.message().text().isBlank() && got.message().attachments().isEmpty())
          .isFalse();
      assertThat(got.message().messageId()).isEqualTo(got.author() + ":" + got.timestamp());
      assertThat(got.message().chat().chatId()).doesNotContain(":");
      assertThat(got.message().attachments())
          .allSatisfy(a -> assertThat(AttachmentRef.parse(a.ref())).isPresent());
    });
  }

  @Provide
  Arbitrary<String> markdown() {
    return Arbitraries.oneOf(
        Fuzz.oddStrings(),
        Arbitraries.of(
                "**",
                "*",
                "~~",
                "`",
                "```",
                "[",
                "](",
                "http://x.y",
                "\n",
                " ",
                "a",
                "\uD83D\uDE00",
                "> ",
                "# ",
                "- ")
            .list()
            .ofMaxSize(60)
            .map(parts -> String.join("", parts)));
  }

  @Property(tries = 400)
  void everyStyleOfARenderedMessageLiesWithinIt(@ForAll("markdown") String reply) throws Exception {
    SignalText text = new SignalText();
    List<String> messages = Fuzz.within(() -> text.render(reply));
    for (String m : messages) {
      assertThat(m.length()).isLessThanOrEqualTo(SignalText.MAX_MESSAGE);
      for (String style : text.stylesOf(m)) {
        String[] p = style.split(":");
        int start = Integer.parseInt(p[0]);
        int length = Integer.parseInt(p[1]);
        assertThat(start).isNotNegative();
        assertThat(length).isPositive();
        assertThat(start + length).isLessThanOrEqualTo(m.length());
        assertThat(p[2]).isIn("BOLD", "ITALIC", "STRIKETHROUGH", "MONOSPACE");
      }
    }
  }
}

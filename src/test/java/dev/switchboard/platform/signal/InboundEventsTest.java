package dev.switchboard.platform.signal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Which chat and sender a signal-cli receive event is from, for identifiers a chat key cannot hold. */
class InboundEventsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final InboundEvents events =
      new InboundEvents("signal", "+4915100000001", Set.of("+14155550101"));

  @Test
  void aServiceIdWithAColonGivesWayToTheNumber() {
    ObjectNode event = (ObjectNode) SignalFuzzTest.DIRECT.deepCopy();
    ObjectNode envelope = (ObjectNode) event.path("envelope");
    envelope.put("sourceUuid", "PNI:5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa");

    var got = events.from(JSON.writeValueAsString(event), Instant.EPOCH).orElseThrow();

    assertThat(got.message().chat().chatId()).isEqualTo("+14155550101");

    envelope.putNull("sourceNumber");
    envelope.put("source", "PNI:5b1d7f8e-1111-4c2a-9d3e-aaaaaaaaaaaa");
    assertThat(events.from(JSON.writeValueAsString(event), Instant.EPOCH)).isEmpty();
  }

  @Test
  void aGroupIdWithAColonIsNoGroupOfSignals() {
    ObjectNode event = (ObjectNode) SignalFuzzTest.GROUP.deepCopy();
    ((ObjectNode) event.path("envelope").path("dataMessage").path("groupInfo"))
        .put("groupId", "a:b");

    assertThat(events.from(JSON.writeValueAsString(event), Instant.EPOCH)).isEmpty();
  }
}

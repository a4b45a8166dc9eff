package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnOutput;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** A tool update that {@link AcpFuzzTest} found to throw. */
class AcpTurnOddInputTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Test
  void aLineNumberBeyondIntIsShownAsWritten() {
    List<String> lines = new CopyOnWriteArrayList<>();
    AcpTurn turn = new AcpTurn(
        new TurnOutput() {
          @Override
          public void append(String delta) {}

          @Override
          public void toolProgress(String line) {
            lines.add(line);
          }
        },
        Approver.DENY_ALL);

    turn.onUpdate(JSON.readTree("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"t1\","
        + "\"title\":\"Read\",\"locations\":[{\"path\":\"/a\",\"line\":2147483648}]}"));

    assertThat(lines).containsExactly("🔧 Read /a:2147483648 (pending)");
  }
}

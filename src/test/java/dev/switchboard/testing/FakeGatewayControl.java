package dev.switchboard.testing;

import dev.switchboard.command.GatewayControl;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records restart requests and answers with a fixed outcome. */
public class FakeGatewayControl implements GatewayControl {
  public final List<InboundMessage> restartRequests = new CopyOnWriteArrayList<>();
  public volatile RestartOutcome outcome = RestartOutcome.ACCEPTED;

  @Override
  public RestartOutcome requestRestart(InboundMessage requester) {
    restartRequests.add(requester);
    return outcome;
  }

  @Override
  public String state() {
    return "running";
  }

  @Override
  public Duration uptime() {
    return Duration.ofSeconds(42);
  }

  @Override
  public int activeTurns() {
    return 0;
  }

  @Override
  public String backend() {
    return "gated";
  }

  @Override
  public String defaultModel() {
    return null;
  }

  @Override
  public List<String> models() {
    return List.of();
  }

  @Override
  public String version() {
    return "test";
  }

  public final List<ChatRef> homes = new CopyOnWriteArrayList<>();

  @Override
  public void setHome(ChatRef chat) {
    homes.add(chat);
  }

  /** The /cron requests asked, as "admin? arguments". */
  public final List<String> cronRequests = new CopyOnWriteArrayList<>();

  @Override
  public String cron(InboundMessage from, boolean admin, String arguments) {
    cronRequests.add(admin + " " + arguments);
    return "cron: " + arguments;
  }
}

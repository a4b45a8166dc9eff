package dev.switchboard.lifecycle;

import dev.switchboard.agent.AgentBackend;
import dev.switchboard.command.GatewayControl;
import dev.switchboard.common.Ticker;
import dev.switchboard.job.JobDesk;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.HomeChannels;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway as the slash commands see it: its state, and a way to restart it. */
final class RuntimeControl implements GatewayControl {
  private static final Logger log = LoggerFactory.getLogger(RuntimeControl.class);

  private final StopHandle stops;
  private final RestartLedger restartLedger;
  private final StateFile stateFile;
  private final AgentBackend backend;
  private final IntSupplier activeTurns;
  private final Clock clock;
  private final Ticker ticker;
  private final long startedNanos;
  private final String version;
  private final HomeChannels homes;
  private volatile @Nullable JobDesk jobs;

  /** The parts this control reads; {@code activeTurns} is the dispatcher's count. */
  record Sources(
      StateFile stateFile,
      AgentBackend backend,
      IntSupplier activeTurns,
      Clock clock,
      Ticker ticker,
      String version,
      HomeChannels homes) {}

  RuntimeControl(StopHandle stops, RestartLedger restartLedger, Sources sources) {
    this.stops = stops;
    this.restartLedger = restartLedger;
    this.stateFile = sources.stateFile();
    this.backend = sources.backend();
    this.activeTurns = sources.activeTurns();
    this.clock = sources.clock();
    this.ticker = sources.ticker();
    this.startedNanos = ticker.nanos();
    this.version = sources.version();
    this.homes = sources.homes();
  }

  /** Set once the scheduler is built, which needs the dispatcher, which needs this control. */
  void jobs(JobDesk desk) {
    this.jobs = desk;
  }

  @Override
  public String cron(InboundMessage from, boolean admin, String arguments)
      throws InterruptedException {
    JobDesk desk = jobs;
    if (desk == null) {
      return "Scheduled jobs are not ready yet; try again in a moment.";
    }
    boolean mayChange =
        admin || desk.maker(from.chat().platform(), from.sender().userId());
    return desk.handle(
            new JobDesk.Asker(
                from.chat(), from.chat().platform() + ":" + from.sender().userId(), mayChange),
            arguments)
        .text();
  }

  @Override
  public void setHome(ChatRef chat) {
    homes.set(chat);
    log.info("{} is now the home of {}: the gateway's own notices go there", chat, chat.platform());
  }

  /**
   * Lifecycle rules 6 and 7: who asked is recorded before the stop begins, atomically with
   * becoming the stop, and a /restart delivered again after the restart is recognised.
   */
  @Override
  public RestartOutcome requestRestart(InboundMessage requester) {
    if (restartLedger.honoured(requester)) {
      log.info(
          "ignoring /restart message {}: it already caused a restart (redelivered)",
          requester.dedupeKey());
      return RestartOutcome.ALREADY_HONOURED;
    }
    StopRequest request = StopRequest.restart("/restart from " + requester.chat());
    try {
      boolean first =
          stops.requestIf(request, () -> restartLedger.record(requester, clock.instant()));
      return first ? RestartOutcome.ACCEPTED : RestartOutcome.ALREADY_STOPPING;
    } catch (IOException e) {
      log.error(
          "not restarting: could not record who asked ({}); without that record a"
              + " redelivered /restart would restart again",
          e.getMessage());
      return RestartOutcome.NOT_RECORDED;
    }
  }

  @Override
  public String state() {
    return stateFile.current().state();
  }

  @Override
  public Duration uptime() {
    return Duration.ofNanos(ticker.nanos() - startedNanos);
  }

  @Override
  public int activeTurns() {
    return activeTurns.getAsInt();
  }

  @Override
  public String backend() {
    return backend.describe();
  }

  @Override
  public @Nullable String defaultModel() {
    return backend.defaultModel();
  }

  @Override
  public List<String> models() {
    return backend.models();
  }

  @Override
  public String version() {
    return version;
  }
}

package dev.switchboard.lifecycle;

import dev.switchboard.common.SpokenDuration;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.platform.ChatRef;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.store.HomeChannels;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own notices to the home channels ({@code /sethome}): how this process started
 * (after a stop, a restart, or an unplanned end, and whether a crash loop held it back), a
 * platform that failed, and its return. Each is sent once, through the outbox, to every home
 * that is not on the platform concerned; the sends run in the background, so a slow platform
 * never holds up the start or a reconnect.
 */
final class HomeNotices implements PlatformEvents {
  private static final Logger log = LoggerFactory.getLogger(HomeNotices.class);

  private final HomeChannels homes;
  private final Delivery delivery;
  private final TaskSpawner tasks;
  private final String version;
  private final long pid;
  private final long startedMillis;
  private final Supplier<Duration> retryEvery;
  private final Set<String> failed = ConcurrentHashMap.newKeySet();
  private final AtomicInteger events = new AtomicInteger();

  /** The process's identity makes its notices' outbox keys: one process, one of each. */
  record Sender(String version, long pid, long startedMillis) {}

  HomeNotices(
      HomeChannels homes,
      Delivery delivery,
      TaskSpawner tasks,
      Sender process,
      Supplier<Duration> retryEvery) {
    this.homes = homes;
    this.delivery = delivery;
    this.tasks = tasks;
    this.version = process.version();
    this.pid = process.pid();
    this.startedMillis = process.startedMillis();
    this.retryEvery = retryEvery;
  }

  /**
   * After READY. {@code told} already heard that its restart is done, so it does not hear it
   * twice.
   */
  void started(
      PreviousEnd previous,
      String summary,
      GatewayState.@Nullable CrashLoop loop,
      @Nullable ChatRef told) {
    String how = switch (previous.kind()) {
      case UNPLANNED ->
        "\u26a0\ufe0f Switchboard " + version + " is back after an unplanned end ("
            + previous.detail() + ")";
      case RESTARTED -> "\u267b\ufe0f Switchboard " + version + " restarted";
      case STOPPED, NONE -> "\u2705 Switchboard " + version + " started";
    };
    String text = how + ": " + summary + ".";
    if (loop != null) {
      text += "\nCrash loop: this is start " + loop.unplannedStarts() + " after an unplanned end"
          + " within " + loop.windowSeconds() + " s, so the platforms were held back "
          + loop.delaySeconds() + " s.";
    }
    String finalText = text;
    homes.all().values().stream()
        .filter(home -> !home.equals(told))
        .forEach(home -> send(home, "start", finalText));
  }

  @Override
  public void failed(String platform, String why) {
    if (!failed.add(platform)) {
      return; // said once; the slow retries are not news
    }
    Duration every = retryEvery.get();
    String text = "\u26a0\ufe0f " + platform + " failed: " + why + ". Switchboard tries it again"
        + " every " + SpokenDuration.of(every)
        + "; if the platform refused the token, fix it there (or in .env, then"
        + " switchboard restart).";
    toHomesBesides(platform, "failed:" + platform + ":" + events.incrementAndGet(), text);
  }

  @Override
  public void back(String platform) {
    if (!failed.remove(platform)) {
      return;
    }
    toHomesBesides(
        platform,
        "back:" + platform + ":" + events.incrementAndGet(),
        "\u2705 " + platform + " is connected again.");
  }

  /**
   * What a platform's adapter tells the operator, to every home: the platform's own home too,
   * since the condition is about some chats of it, not the platform as a whole.
   */
  @Override
  public void operatorNotice(String platform, String text) {
    String event = "operator:" + platform + ":" + events.incrementAndGet();
    homes
        .all()
        .values()
        .forEach(home -> send(home, event, "\u26a0\ufe0f " + platform + ": " + text));
  }

  /**
   * A scheduled job's run failed ({@code outcome}); its own chat saw the error if it could be
   * delivered, the home channels hear of it in any case (but the job's own chat not twice).
   */
  public void jobFailed(long job, InboundMessage run, String outcome) {
    String text = "\u26a0\ufe0f Scheduled job " + job + " in " + run.chat() + " "
        + (outcome.equals("undelivered") ? "could not deliver its answer" : "failed")
        + " (" + outcome + "); the gateway log has the details. /cron list shows the job.";
    homes.all().values().stream()
        .filter(home -> !home.equals(run.chat()))
        .forEach(home -> send(home, "job:" + job + ":" + run.messageId(), text));
  }

  private void toHomesBesides(String platform, String event, String text) {
    homes.all().values().stream()
        .filter(home -> !home.platform().equals(platform))
        .forEach(home -> send(home, event, text));
  }

  private void send(ChatRef home, String event, String text) {
    String key = OutboxKeys.home(pid, startedMillis, event, home);
    try {
      tasks.spawn("home notice " + home.platform(), () -> {
        if (!delivery.notice(home, text, key)) {
          log.warn("could not post a notice in the home channel {}", home);
        }
      });
    } catch (RejectedExecutionException e) {
      log.info("not posting a notice in {}: the gateway is stopping", home);
    }
  }
}

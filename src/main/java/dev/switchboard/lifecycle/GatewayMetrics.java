package dev.switchboard.lifecycle;

import dev.switchboard.delivery.DeliveryEvents;
import dev.switchboard.hooks.HookMetrics;
import dev.switchboard.webhook.WebhookMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * The gateway's meters, scraped in Prometheus text format at {@code /metrics}: messages received
 * and sent per platform, delivery retries, 429s and refused messages per platform, turn durations
 * by outcome, hook runs by event and result and hook events dropped,
 * active turns, queued messages, connected platforms, the store's size, and the JVM's memory,
 * GC, threads (virtual threads' scheduler included), classes, CPU and uptime. Micrometer does
 * the work; this class only names the meters.
 */
final class GatewayMetrics implements DeliveryEvents, HookMetrics, WebhookMetrics, AutoCloseable {
  /** Buckets of the turn-duration histogram: agent turns take from milliseconds to minutes. */
  private static final Duration[] TURN_BUCKETS = {
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120),
    Duration.ofSeconds(300)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /**
   * The JVM's meters (memory, GC, threads, classes, CPU, uptime). Not bound in the constructor:
   * Micrometer's binders look up a dozen MXBeans, about 5 % of a start's CPU, and nothing needs
   * them before the gateway is ready, so the start binds them once READY is sent. A scrape in
   * the milliseconds between shows the gateway's own meters without the JVM's.
   */
  void bindJvmMeters() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    VirtualThreadSchedulerMXBean vts =
        ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
    if (vts != null) {
      gauge(
          "jvm.threads.virtual.scheduler.pool",
          vts,
          VirtualThreadSchedulerMXBean::getPoolSize,
          "Platform threads carrying virtual threads");
      gauge(
          "jvm.threads.virtual.mounted",
          vts,
          VirtualThreadSchedulerMXBean::getMountedVirtualThreadCount,
          "Virtual threads running on a carrier now");
      gauge(
          "jvm.threads.virtual.queued",
          vts,
          VirtualThreadSchedulerMXBean::getQueuedVirtualThreadCount,
          "Virtual threads ready to run, waiting for a carrier");
    }
  }

  private <T> void gauge(String name, T source, ToDoubleFunction<T> value, String help) {
    // strongly: Micrometer holds a gauge's source weakly by default, and a lambda nobody else
    // holds would be collected, leaving the gauge reading NaN
    Gauge.builder(name, source, value).description(help).strongReference(true).register(registry);
  }

  /** The gateway's own gauges, read at each scrape. */
  void watch(
      IntSupplier activeTurns,
      IntSupplier queuedMessages,
      IntSupplier platforms,
      IntSupplier connectedPlatforms) {
    gauge(
        "switchboard.turns.active", activeTurns, IntSupplier::getAsInt, "Agent turns running now");
    gauge(
        "switchboard.messages.queued",
        queuedMessages,
        IntSupplier::getAsInt,
        "Messages waiting for a turn, in all sessions");
    gauge(
        "switchboard.platforms.enabled",
        platforms,
        IntSupplier::getAsInt,
        "Chat platforms enabled");
    gauge(
        "switchboard.platforms.connected",
        connectedPlatforms,
        IntSupplier::getAsInt,
        "Chat platforms connected now");
  }

  /** The store's size on disk, read at each scrape (a file-size lookup, no database call). */
  void watchStore(LongSupplier bytesOnDisk) {
    Gauge.builder("switchboard.store.bytes", bytesOnDisk, LongSupplier::getAsLong)
        .description("Bytes the store takes on disk (SQLite: the database and its WAL)")
        .baseUnit("bytes")
        .strongReference(true)
        .register(registry);
  }

  /**
   * On a shared database: 1 while this gateway holds the lease that makes it the active one, 0
   * while it stands by (or lost it); with the lease's age, so a dashboard sees a takeover.
   */
  void watchLease(GatewayLease lease, Clock clock) {
    Gauge.builder("switchboard.lease.held", lease, l -> l.held() ? 1 : 0)
        .description("1 while this gateway holds the database's lease (is the active one)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "switchboard.lease.expires.in",
            lease,
            l -> l.held()
                ? l.lease()
                    .map(x -> (x.expiresAt().toEpochMilli() - clock.millis()) / 1000.0)
                    .orElse(0.0)
                : 0.0)
        .description("Seconds until the held lease lapses unless renewed; 0 while not held")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  /** A platform delivered a message (redeliveries included; the journal drops them after). */
  void received(String platform) {
    counter("switchboard.messages.received", platform, "Messages platforms delivered")
        .increment();
  }

  @Override
  public void sent(String platform) {
    counter("switchboard.messages.sent", platform, "Messages (and parts) sent").increment();
  }

  @Override
  public void retried(String platform) {
    counter("switchboard.delivery.retries", platform, "Sends retried after a transient failure")
        .increment();
  }

  @Override
  public void rateLimited(String platform) {
    counter("switchboard.delivery.rate_limited", platform, "429 answers from the platform")
        .increment();
  }

  @Override
  public void refused(String platform) {
    counter(
            "switchboard.replies.refused",
            platform,
            "Reply and notice messages the platform refused as sent (sent again smaller or"
                + " plain, or the user was told)")
        .increment();
  }

  /** A platform said a message it had taken was not delivered (WhatsApp's failed status). */
  void sendFailed(String platform, String code) {
    Counter.builder("switchboard.platform.sends.failed")
        .description("Messages a platform took, then reported as not delivered")
        .tag("platform", platform)
        .tag("code", code)
        .register(registry)
        .increment();
  }

  /** A turn ended: answered, failed, stopped, superseded, deferred or undelivered. */
  void turnEnded(Duration took, String outcome) {
    Timer.builder("switchboard.turn.duration")
        .description("Agent turns, start to last reply")
        .tag("outcome", outcome)
        .serviceLevelObjectives(TURN_BUCKETS)
        .register(registry)
        .record(took);
  }

  @Override
  public void hookRan(String event, String result) {
    Counter.builder("switchboard.hooks.runs")
        .description("Hook runs, by event and result")
        .tag("event", event)
        .tag("result", result)
        .register(registry)
        .increment();
  }

  @Override
  public void hookEventDropped(String event) {
    Counter.builder("switchboard.hooks.dropped")
        .description("Events whose hooks never ran: the queue of waiting events was full")
        .tag("event", event)
        .register(registry)
        .increment();
  }

  @Override
  public void delivery(String route, String outcome) {
    Counter.builder("switchboard.webhooks.requests")
        .description("Requests to the webhook routes, by route and outcome")
        .tag("route", route)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** A restart was asked for (/restart, SIGUSR1, the CLI); the process then exits. */
  void restartRequested() {
    Counter.builder("switchboard.restarts.requested")
        .description("Restarts asked for")
        .register(registry)
        .increment();
  }

  private Counter counter(String name, String platform, String help) {
    return Counter.builder(name).description(help).tag("platform", platform).register(registry);
  }

  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}

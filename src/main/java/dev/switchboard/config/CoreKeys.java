package dev.switchboard.config;

import java.time.Duration;
import java.util.List;

/** The gateway's own settings; platforms and agent backends add theirs. */
public final class CoreKeys {
  private CoreKeys() {}

  /** Values of {@code gateway.busy_policy}. */
  public enum BusyPolicySetting {
    INTERRUPT,
    QUEUE
  }

  /** Values of {@code gateway.service_manager}. */
  public enum ServiceManagerSetting {
    AUTO,
    SYSTEMD,
    S6,
    RUNIT,
    LAUNCHD,
    KUBERNETES,
    CONTAINER,
    NONE
  }

  /** Values of {@code logging.level}. */
  public enum LogLevel {
    ERROR,
    WARN,
    INFO,
    DEBUG,
    TRACE
  }

  public static final ConfigKey<Duration> DRAIN_TIMEOUT = ConfigKey.optional(
      "gateway.drain_timeout",
      "SWITCHBOARD_DRAIN_TIMEOUT",
      ValueType.duration(Duration.ZERO, Duration.ofHours(1)),
      Duration.ofSeconds(60),
      "How long a stop or restart waits for running turns to finish before interrupting them.");

  public static final ConfigKey<Duration> SHUTDOWN_GRACE = ConfigKey.optional(
      "gateway.shutdown_grace",
      "SWITCHBOARD_SHUTDOWN_GRACE",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)),
      Duration.ofSeconds(15),
      "Time after the drain for interrupting turns, disconnecting platforms and stopping tasks;"
          + " drain_timeout + shutdown_grace is the hard deadline of a stop.");

  public static final ConfigKey<Duration> CONNECT_TIMEOUT = ConfigKey.optional(
      "gateway.connect_timeout",
      "SWITCHBOARD_CONNECT_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)),
      Duration.ofSeconds(30),
      "How long one attempt to connect a platform may take before it is abandoned and the"
          + " platform retried (see gateway.reconnect.*).");

  public static final ConfigKey<Duration> RECONNECT_FIRST_DELAY = ConfigKey.optional(
      "gateway.reconnect.first_delay",
      "SWITCHBOARD_RECONNECT_FIRST_DELAY",
      ValueType.duration(Duration.ofMillis(100), Duration.ofMinutes(10)),
      Duration.ofSeconds(1),
      "Longest wait before the first retry of a platform that could not be reached (a refused"
          + " or reset connection, a timeout, DNS, TLS, HTTP 5xx or 429); it doubles with each"
          + " failure in a row, each wait drawn at random below it.");

  public static final ConfigKey<Duration> RECONNECT_MAX_DELAY = ConfigKey.optional(
      "gateway.reconnect.max_delay",
      "SWITCHBOARD_RECONNECT_MAX_DELAY",
      ValueType.duration(Duration.ofMillis(100), Duration.ofHours(1)),
      Duration.ofSeconds(60),
      "The cap on that doubling: an unreachable platform is tried at least this often, for as"
          + " long as the gateway runs. At least gateway.reconnect.first_delay.");

  public static final ConfigKey<Duration> RECONNECT_REFUSED_EVERY = ConfigKey.optional(
      "gateway.reconnect.refused_every",
      "SWITCHBOARD_RECONNECT_REFUSED_EVERY",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofDays(1)),
      Duration.ofMinutes(10),
      "How often a platform that refused the credentials (or failed for another reason a retry"
          + " cannot fix at once) is tried again, so a token fixed in the platform's console is"
          + " picked up without a restart.");

  public static final ConfigKey<Duration> DISCONNECT_TIMEOUT = ConfigKey.optional(
      "gateway.disconnect_timeout",
      "SWITCHBOARD_DISCONNECT_TIMEOUT",
      ValueType.duration(Duration.ofMillis(100), Duration.ofMinutes(5)),
      Duration.ofSeconds(5),
      "How long one platform may take to disconnect at stop before it is abandoned.");

  public static final ConfigKey<Boolean> SEND_ALLOW_UNKNOWN_TARGETS = ConfigKey.optional(
      "send.allow_unknown_targets",
      "SWITCHBOARD_SEND_ALLOW_UNKNOWN_TARGETS",
      ValueType.bool(),
      false,
      "Whether switchboard send and POST /v1/send may send to a chat the gateway has not talked"
          + " with (no message from it in the journal, no home channel).");

  public static final ConfigKey<BusyPolicySetting> BUSY_POLICY = ConfigKey.optional(
      "gateway.busy_policy",
      "SWITCHBOARD_BUSY_POLICY",
      ValueType.choice(BusyPolicySetting.class),
      BusyPolicySetting.INTERRUPT,
      "What a message does while its session has a turn running: interrupt it, or queue behind"
          + " it.");

  public static final ConfigKey<Integer> MAX_QUEUED = ConfigKey.optional(
      "gateway.max_queued_messages",
      "SWITCHBOARD_MAX_QUEUED_MESSAGES",
      ValueType.integer(1, 1000),
      20,
      "Messages that may wait behind a running turn in one session; more are refused.");

  public static final ConfigKey<Boolean> GROUP_SESSION_PER_USER = ConfigKey.optional(
      "gateway.group_sessions_per_user",
      "SWITCHBOARD_GROUP_SESSIONS_PER_USER",
      ValueType.bool(),
      true,
      "In group chats, give each user their own session instead of one per chat.");

  public static final ConfigKey<ServiceManagerSetting> SERVICE_MANAGER = ConfigKey.optional(
      "gateway.service_manager",
      "SWITCHBOARD_SERVICE_MANAGER",
      ValueType.choice(ServiceManagerSetting.class),
      ServiceManagerSetting.AUTO,
      "Who restarts the gateway: auto detects systemd, s6, runit, launchd, Kubernetes and"
          + " containers (then a restart exits 75); none relaunches a detached copy itself.");

  public static final ConfigKey<String> BACKEND = ConfigKey.optional(
      "agent.backend",
      "SWITCHBOARD_BACKEND",
      ValueType.string(),
      "echo",
      "Which agent backend answers turns.");

  public static final ConfigKey<Integer> HISTORY_MESSAGES = ConfigKey.optional(
      "agent.history_messages",
      "SWITCHBOARD_HISTORY_MESSAGES",
      ValueType.integer(0, 10_000),
      200,
      "Earlier messages of the conversation handed to the agent with each turn (the backend may"
          + " trim them further to fit its model).");

  public static final ConfigKey<Duration> APPROVAL_TIMEOUT = ConfigKey.optional(
      "agent.approval_timeout",
      "SWITCHBOARD_APPROVAL_TIMEOUT",
      ValueType.duration(Duration.ofSeconds(10), Duration.ofHours(1)),
      Duration.ofMinutes(2),
      "How long an agent's request for permission waits for /approve or /deny; no answer"
          + " denies it.");

  public static final ConfigKey<Boolean> TOOL_PROGRESS = ConfigKey.optional(
      "agent.tool_progress",
      "SWITCHBOARD_TOOL_PROGRESS",
      ValueType.bool(),
      false,
      "Show the agent's tool calls while a turn runs, one short line each; a session can"
          + " change it with /tools on|off.");

  public static final ConfigKey<Duration> TYPING_DELAY = ConfigKey.optional(
      "agent.typing_delay",
      "SWITCHBOARD_TYPING_DELAY",
      ValueType.duration(Duration.ZERO, Duration.ofSeconds(30)),
      Duration.ofMillis(500),
      "How long a turn runs before the chat shows that a reply is being written; an answer"
          + " that comes sooner sends no typing call. 0s shows it at once. On WhatsApp the"
          + " indicator is the read receipt and always goes at once.");

  public static final ConfigKey<String> STORE = ConfigKey.optional(
      "store.backend",
      "SWITCHBOARD_STORE",
      ValueType.string(),
      "sqlite",
      "Where the gateway keeps its journal, outbox, sessions and pairings: sqlite (a file in"
          + " the state directory) or postgresql; by default postgresql when store.url is set.");

  public static final ConfigKey<String> STORE_URL = ConfigKey.optional(
      "store.url",
      "SWITCHBOARD_DATABASE_URL",
      ValueType.string(),
      null,
      "The PostgreSQL database, postgresql://user@host:5432/database[?sslmode=require];"
          + " setting it selects the postgresql store. The password is not part of it.");

  public static final ConfigKey<Duration> LEASE_TTL = ConfigKey.optional(
      "store.lease_ttl",
      "SWITCHBOARD_LEASE_TTL",
      ValueType.duration(Duration.ofSeconds(3), Duration.ofMinutes(5)),
      Duration.ofSeconds(3),
      "On a database server: how long the active gateway's hold on the database lasts"
          + " unrenewed (it renews it every third of this); a gateway standing by takes over"
          + " this long after the active one died, at most.");

  public static final ConfigKey<Boolean> ALLOW_ALL_USERS = ConfigKey.optional(
      "auth.allow_all_users",
      "SWITCHBOARD_ALLOW_ALL_USERS",
      ValueType.bool(),
      false,
      "Let anyone who can reach the bot talk to the agent. Off by default: unknown users get a"
          + " pairing code instead.");

  public static final ConfigKey<List<String>> ALLOWED_USERS = ConfigKey.optional(
      "auth.allowed_users",
      "SWITCHBOARD_ALLOWED_USERS",
      ValueType.stringList(),
      List.of(),
      "Users allowed on every platform: 'platform:id' entries, or bare ids for any platform.");

  public static final ConfigKey<List<String>> ADMIN_USERS = ConfigKey.optional(
      "auth.admin_users",
      "SWITCHBOARD_ADMIN_USERS",
      ValueType.stringList(),
      List.of(),
      "Users who may run admin commands such as /restart, on every platform; same format.");

  public static final ConfigKey<String> HTTP_HOST = ConfigKey.optional(
      "http.host",
      "SWITCHBOARD_HTTP_HOST",
      ValueType.string(),
      "127.0.0.1",
      "Address the HTTP server (web chat, API, /health, /metrics) listens on; 0.0.0.0 for"
          + " every interface.");

  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.optional(
      "http.port",
      "SWITCHBOARD_HTTP_PORT",
      ValueType.integer(0, 65535),
      8642,
      "Port of the HTTP server; 0 picks a free one (shown by 'switchboard status').");

  public static final ConfigKey<Boolean> HTTP_AUTH = ConfigKey.optional(
      "http.auth",
      "SWITCHBOARD_HTTP_AUTH",
      ValueType.bool(),
      true,
      "Require the login token (file web_token in the state directory) for the web chat and"
          + " the admin page; false is accepted only while http.host is a loopback address.");

  public static final ConfigKey<List<String>> HTTP_TRUSTED_PROXIES = ConfigKey.optional(
      "http.trusted_proxies",
      "SWITCHBOARD_HTTP_TRUSTED_PROXIES",
      ValueType.stringList(),
      List.of(),
      "Reverse proxies in front of the HTTP server and the Telegram webhook (IP addresses or"
          + " CIDR ranges): only from them are X-Forwarded-Proto, -Host and -For believed, and"
          + " they have no per-address connection limit.");

  public static final ConfigKey<String> HTTP_LOGIN_TOKEN = ConfigKey.secret(
      "http.login_token",
      "SWITCHBOARD_WEB_TOKEN",
      false,
      "The login token of the web chat and the admin page, instead of the file web_token"
          + " (then neither read nor written): the same token on every gateway sharing a"
          + " database, e.g. from a Kubernetes Secret; at least 16 characters.");

  public static final ConfigKey<String> HTTP_ADVERTISE_URL = ConfigKey.optional(
      "http.advertise_url",
      "SWITCHBOARD_HTTP_ADVERTISE_URL",
      ValueType.string(),
      null,
      "On a database server: the URL at which the other gateways on it reach this one's HTTP"
          + " server (a standby forwards the web chat, the API, the admin page and webhooks to"
          + " the active gateway). Unset: http://<http.host>:<port>, with this host's name when"
          + " http.host is 0.0.0.0 or ::.");

  public static final ConfigKey<Duration> WATCHDOG = ConfigKey.optional(
      "service.watchdog",
      "SWITCHBOARD_WATCHDOG",
      ValueType.duration(Duration.ZERO, Duration.ofHours(1)),
      Duration.ofSeconds(30),
      "WatchdogSec of the systemd unit 'switchboard install' writes: systemd kills and"
          + " restarts a gateway whose loops stopped making progress for this long; 0 for none.");

  public static final ConfigKey<Integer> RESPAWN_LIMIT = ConfigKey.optional(
      "service.respawn_limit",
      "SWITCHBOARD_RESPAWN_LIMIT",
      ValueType.integer(1, 1000),
      5,
      "Starts after an unplanned end (crash, kill, failed start) allowed within"
          + " service.respawn_window before the respawn breaker holds the next ones back.");

  public static final ConfigKey<Duration> RESPAWN_WINDOW = ConfigKey.optional(
      "service.respawn_window",
      "SWITCHBOARD_RESPAWN_WINDOW",
      ValueType.duration(Duration.ofSeconds(1), Duration.ofHours(24)),
      Duration.ofMinutes(10),
      "How far back the respawn breaker counts starts after an unplanned end.");

  public static final ConfigKey<Duration> RESPAWN_DELAY = ConfigKey.optional(
      "service.respawn_delay",
      "SWITCHBOARD_RESPAWN_DELAY",
      ValueType.duration(Duration.ZERO, Duration.ofMinutes(5)),
      Duration.ofSeconds(10),
      "The respawn breaker's first hold-back before connecting to the platforms; it doubles"
          + " with every further start in the loop, up to 5 min; 0 turns the breaker off.");

  public static final ConfigKey<LogLevel> LOG_LEVEL = ConfigKey.optional(
      "logging.level",
      "SWITCHBOARD_LOG_LEVEL",
      ValueType.choice(LogLevel.class),
      LogLevel.INFO,
      "Log level of the gateway's own messages (libraries stay at warn).");

  public static List<ConfigKey<?>> all() {
    return List.of(
        DRAIN_TIMEOUT,
        SHUTDOWN_GRACE,
        CONNECT_TIMEOUT,
        RECONNECT_FIRST_DELAY,
        RECONNECT_MAX_DELAY,
        RECONNECT_REFUSED_EVERY,
        DISCONNECT_TIMEOUT,
        SEND_ALLOW_UNKNOWN_TARGETS,
        BUSY_POLICY,
        MAX_QUEUED,
        GROUP_SESSION_PER_USER,
        SERVICE_MANAGER,
        BACKEND,
        HISTORY_MESSAGES,
        APPROVAL_TIMEOUT,
        TOOL_PROGRESS,
        TYPING_DELAY,
        STORE,
        STORE_URL,
        LEASE_TTL,
        ALLOW_ALL_USERS,
        ALLOWED_USERS,
        ADMIN_USERS,
        HTTP_HOST,
        HTTP_PORT,
        HTTP_AUTH,
        HTTP_TRUSTED_PROXIES,
        HTTP_LOGIN_TOKEN,
        HTTP_ADVERTISE_URL,
        WATCHDOG,
        RESPAWN_LIMIT,
        RESPAWN_WINDOW,
        RESPAWN_DELAY,
        LOG_LEVEL);
  }
}

package dev.switchboard.session;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.switchboard.agent.AgentBackend;
import dev.switchboard.agent.AgentException;
import dev.switchboard.agent.ChatMessage;
import dev.switchboard.agent.TurnControl;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.agent.TurnRequest;
import dev.switchboard.agent.TurnResult;
import dev.switchboard.common.TaskSpawner;
import dev.switchboard.delivery.Delivery;
import dev.switchboard.delivery.OutboxKeys;
import dev.switchboard.delivery.ReplyStream;
import dev.switchboard.hooks.EventChat;
import dev.switchboard.hooks.GatewayEvents;
import dev.switchboard.media.ReplyFiles;
import dev.switchboard.platform.InboundMessage;
import dev.switchboard.platform.NoticeKind;
import dev.switchboard.store.Conversations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent turn, from the backend call to the delivered reply: "typing" shows while the
 * backend works, the reply streams, and it ends with a note when the turn was stopped,
 * superseded or cut short by a stop (then the message is deferred to the next process), or
 * with a plain message when the backend failed. The user's text and the reply go into the
 * session's transcript; the conversation's earlier messages, the session's model and a way to
 * ask the chat for permission go to the backend.
 */
final class TurnExecution {
  /** The outcome of a turn cut short by a stop: the next process answers it again. */
  static final String DEFERRED = "deferred";

  private static final Logger log = LoggerFactory.getLogger(TurnExecution.class);
  /** Telegram's "typing" lasts 5 s; renew it a little before. */
  private static final Duration TYPING_EVERY = Duration.ofSeconds(4);

  private final InboundMessage message;
  private final int attempt;
  private final String sessionKey;
  private final TurnControl control;
  private final AgentBackend backend;
  private final Delivery delivery;
  private final Conversations conversations;
  private final TaskSpawner spawner;
  private final TurnSettings settings;
  private final PendingApprovals approvals;
  private final AttachmentIntake attachments;
  private final VoiceReplies voice;
  private final GatewayEvents events;
  private final EventChat chat;
  /** The message as the transcript has it: its text and a line per file. */
  private final String transcriptText;

  TurnExecution(
      TurnKit kit, InboundMessage message, int attempt, SessionKey session, TurnControl control) {
    this.message = message;
    this.attempt = attempt;
    this.sessionKey = session.id();
    this.control = control;
    this.backend = kit.services().backend();
    this.delivery = kit.services().delivery();
    this.conversations = kit.services().conversations();
    this.spawner = kit.services().spawner();
    this.settings = kit.settings();
    this.approvals = kit.approvals();
    this.attachments = kit.services().attachments();
    this.voice = kit.services().voice();
    this.events = kit.services().events();
    this.chat = EventChats.of(message, session);
    this.transcriptText = UserText.of(message);
  }

  /**
   * Runs the turn and returns its outcome for the journal: answered, failed, stopped,
   * superseded, or {@link #DEFERRED}.
   *
   * @param closeInterruptWindow called once the backend has returned: from then on a cancel no
   *     longer interrupts this thread, so the final delivery cannot be cut short
   */
  String run(
      Runnable closeInterruptWindow,
      Supplier<DrainReason> drainReason,
      Consumer<String> recordReply) {
    int historyLines = backend.usesHistory() ? settings.historyMessages() + 1 : 1;
    Conversations.TurnStart start = conversations.turnStart(sessionKey, historyLines);
    int generation = start.generation();
    List<Conversations.Line> lastLines = start.lastLines();
    // The agent starts from nothing: a new session, /new, or /undo took back all there was.
    if (attempt == 1 && lastLines.isEmpty()) {
      events.sessionNew(chat, generation);
    }
    events.turnStarted(chat, attempt, transcriptText);
    List<ChatMessage> history = backend.usesHistory() ? history(lastLines) : List.of();
    Map<String, String> own = start.settings();
    if (attempt == 1 || !questionRecorded(lastLines)) {
      conversations.append(sessionKey, generation, "user", transcriptText);
    }
    AttachmentIntake.Prepared files = attachments.prepare(message);
    if (!files.notices().isEmpty()) {
      delivery.noticeAbout(
          message,
          NoticeKind.INFO,
          String.join("\n", files.notices()),
          OutboxKeys.about(message.dedupeKey(), OutboxKeys.Topic.ATTACHMENTS));
    }
    ReplyStream stream = delivery.openReply(message, attempt);
    TurnRequest request = new TurnRequest(
        sessionKey + "#" + generation,
        message.chat(),
        message.sender(),
        UserText.forAgent(files.message(), files.leftOut()),
        history,
        own.get(SessionSettings.MODEL),
        new ChatApprover(
            sessionKey, message, attempt, delivery, approvals, control, settings.approvalTimeout()),
        files.attachments());
    AgentText agentText = new AgentText(
        stream,
        SessionSettings.toolProgress(own.get(SessionSettings.TOOLS), settings.toolProgress()));
    String text = null;
    String failure = null;
    boolean interrupted = false;
    CountDownLatch backendDone = new CountDownLatch(1);
    showTyping(backendDone);
    try {
      TurnResult result = backend.run(request, agentText, control);
      text = result.text();
      if (result.usage() != null) {
        conversations.addUsage(
            sessionKey, generation, result.usage().input(), result.usage().output());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (AgentException e) {
      log.warn("turn in {} failed: {}", message.chat(), e.getMessage());
      failure = e.userMessage();
    } catch (RuntimeException e) {
      log.error("the agent backend failed a turn in {}", message.chat(), e);
      failure = "The agent failed to answer; the details are in the gateway log.";
    } finally {
      backendDone.countDown();
      closeInterruptWindow.run();
    }
    TurnControl.Reason why = control.reason();
    String soFar = agentText.soFar();
    String reply;
    String outcome;
    if (failure != null) {
      reply = join(soFar, "\u26a0\ufe0f " + failure);
      outcome = "failed";
    } else if (why != null) {
      reply = join(text == null ? soFar : text, note(why, drainReason.get()));
      outcome = switch (why) {
        case USER_STOP -> "stopped";
        case SUPERSEDED -> "superseded";
        case SHUTDOWN -> DEFERRED;
      };
    } else if (interrupted) {
      reply = join(soFar, "\u26a0\ufe0f Interrupted.");
      outcome = "failed";
    } else {
      reply = text;
      outcome = "answered";
    }
    if (outcome.equals("answered") && message.synthetic() && settings.silent(reply)) {
      // Nothing to send, and nothing for a crash to deliver again: the journal keeps no reply.
      conversations.append(sessionKey, generation, "assistant", Objects.requireNonNull(reply));
      stream.discard();
      log.info("{} answered {}: nothing sent", message.dedupeKey(), settings.silentReply());
      return "silent";
    }
    if (outcome.equals("answered")) {
      // Before the delivery: whatever happens to it, the next turn's history has this answer,
      // and a process that dies while delivering it is followed by one that delivers it again.
      // The journal first: its copy is what the next process goes by (RecoveredAnswers puts
      // it in a transcript the crash left without it). The other order let a crash between
      // the two leave the answer in the transcript but not the journal, and the turn, run
      // again, then answered the question a second time.
      recordReply.accept(stream.bodyFor(reply));
      conversations.append(
          sessionKey,
          generation,
          "assistant",
          reply == null ? "" : ReplyFiles.forTranscript(reply));
    }
    boolean delivered = stream.finish(reply);
    if (delivered && outcome.equals("answered") && reply != null && voiceChosen(own)) {
      sendSpoken(reply);
    }
    return delivered || outcome.equals(DEFERRED) ? outcome : "undelivered";
  }

  private boolean voiceChosen(Map<String, String> own) {
    return SessionSettings.ON.equals(own.get(SessionSettings.VOICE)) && voice.available();
  }

  /** The reply as a voice note too; a reply that cannot be spoken says why in one line. */
  private void sendSpoken(String reply) {
    try {
      switch (voice.speak(reply)) {
        case VoiceReplies.Spoken s -> delivery.sendAfterReply(message, attempt, s.file());
        case VoiceReplies.Unspoken u ->
          delivery.noticeAbout(
              message,
              NoticeKind.INFO,
              "\u26a0\ufe0f No voice note for this reply: " + u.why(),
              OutboxKeys.about(message.dedupeKey(), OutboxKeys.Topic.VOICE));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // a stop: the text is delivered, the voice note is not
    }
  }

  /**
   * Whether an earlier attempt at this turn put its message in the transcript: a process killed
   * after the journal counted attempt 1 but before that append left the transcript without it,
   * and the answer must not go in without its question.
   */
  private boolean questionRecorded(List<Conversations.Line> lastLines) {
    return !lastLines.isEmpty()
        && lastLines.getLast().role().equals(ChatMessage.USER)
        && lastLines.getLast().text().equals(transcriptText);
  }

  /**
   * The conversation so far, without the message this turn answers (a turn run again after a
   * crash finds it already in the transcript).
   */
  private List<ChatMessage> history(List<Conversations.Line> lastLines) {
    if (settings.historyMessages() == 0) {
      return List.of();
    }
    List<ChatMessage> out = new ArrayList<>();
    for (Conversations.Line line : lastLines) {
      out.add(new ChatMessage(line.role(), line.text()));
    }
    if (attempt > 1
        && !out.isEmpty()
        && out.getLast().role().equals(ChatMessage.USER)
        && out.getLast().text().equals(transcriptText)) {
      out.removeLast();
    }
    while (out.size() > settings.historyMessages()) {
      out.removeFirst();
    }
    return out;
  }

  /**
   * What the backend streams: its text goes to the reply; tool progress lines, when shown, go
   * to the live preview only, so a reply cut short keeps just the agent's own words.
   */
  private static final class AgentText implements TurnOutput {
    private final ReplyStream stream;
    private final boolean toolProgress;

    @GuardedBy("this")
    private final StringBuilder text = new StringBuilder();

    AgentText(ReplyStream stream, boolean toolProgress) {
      this.stream = stream;
      this.toolProgress = toolProgress;
    }

    @Override
    public synchronized void append(String delta) {
      text.append(delta);
      stream.append(delta);
    }

    @Override
    public synchronized void toolProgress(String line) {
      if (toolProgress && !line.isBlank()) {
        // on a line of its own in the preview; the agent's text goes on below it
        stream.appendPreviewOnly("\n" + line.strip() + "\n");
      }
    }

    synchronized String soFar() {
      return text.toString();
    }
  }

  /**
   * "typing…" from {@code agent.typing_delay} until the backend is done; the first streamed
   * preview replaces it anyway. The delay spares a platform call for each fast answer, which
   * would show the indicator for an instant at most. Where the indicator is also the read
   * receipt it goes once whatever the answer's speed: a fast answer must not leave the
   * message unread.
   */
  private void showTyping(CountDownLatch backendDone) {
    boolean marksRead = delivery.typingMarksRead(message.chat());
    Duration delay = settings.typingDelay();
    try {
      spawner.spawn("typing " + message.chat(), () -> {
        try {
          if (!marksRead && backendDone.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
            return;
          }
          do {
            delivery.typing(message.chat());
          } while (!backendDone.await(TYPING_EVERY.toNanos(), TimeUnit.NANOSECONDS));
        } catch (InterruptedException e) {
          // the gateway is stopping
        }
      });
    } catch (RejectedExecutionException e) {
      // stopping: no typing indicator needed
    }
  }

  static String note(TurnControl.Reason why, DrainReason drain) {
    return switch (why) {
      case USER_STOP -> "\u23f9 Stopped.";
      case SUPERSEDED -> "\u23f9 Interrupted by your next message.";
      case SHUTDOWN ->
        "\u26a0\ufe0f Interrupted: Switchboard is " + drain.doing()
            + ". I will answer this again when it is back.";
    };
  }

  private static String join(String text, String note) {
    return text == null || text.isBlank() ? note : text.stripTrailing() + "\n\n" + note;
  }
}

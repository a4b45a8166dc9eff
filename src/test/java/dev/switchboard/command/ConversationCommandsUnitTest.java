package dev.switchboard.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The conversation commands against a recording session: what they say and what they change. */
class ConversationCommandsUnitTest {
  private static FakeCommandContext with(String arguments) {
    return new FakeCommandContext("/x " + arguments, arguments, CommandTable.standard(List.of()));
  }

  @Nested
  class Model {
    @Test
    void aBackendWithoutModelsSaysSoAndChangesNothing() {
      FakeCommandContext ctx = with("gpt-4o");
      new ModelCommand().execute(ctx);
      assertThat(ctx.replies).containsExactly("The agent (echo) has no models to choose from.");
      assertThat(ctx.session.calls).isEmpty();
    }

    @Test
    void aloneItShowsTheCurrentTheDefaultAndTheChoices() {
      FakeCommandContext ctx = with("");
      ctx.gateway.defaultModel = "gpt-4o";
      ctx.gateway.models = List.of("gpt-4o", "gpt-4o-mini");
      ctx.session.model = "gpt-4o-mini";
      new ModelCommand().execute(ctx);
      assertThat(ctx.replies).containsExactly("""
          Model: gpt-4o-mini (chosen for this session; the default is gpt-4o)
          Choices: gpt-4o, gpt-4o-mini
          Change it with /model <name>, go back with /model default.""");
    }

    @Test
    void aConfiguredChoiceIsTakenAndAnUnknownOneRefused() {
      FakeCommandContext ctx = with("gpt-4o-mini");
      ctx.gateway.defaultModel = "gpt-4o";
      ctx.gateway.models = List.of("gpt-4o", "gpt-4o-mini");
      new ModelCommand().execute(ctx);
      assertThat(ctx.session.model).isEqualTo("gpt-4o-mini");

      FakeCommandContext bad = with("gpt-5-ultra");
      bad.gateway.defaultModel = "gpt-4o";
      bad.gateway.models = List.of("gpt-4o", "gpt-4o-mini");
      new ModelCommand().execute(bad);
      assertThat(bad.replies)
          .containsExactly("Unknown model \"gpt-5-ultra\". Choices: gpt-4o, gpt-4o-mini.");
      assertThat(bad.session.calls).isEmpty();
    }

    @Test
    void withoutAListAnyOneWordNameIsTakenAndDefaultGoesBack() {
      FakeCommandContext ctx = with("qwen2.5:7b");
      ctx.gateway.defaultModel = "llama3.2";
      new ModelCommand().execute(ctx);
      assertThat(ctx.session.model).isEqualTo("qwen2.5:7b");
      assertThat(ctx.replies)
          .containsExactly("Model: qwen2.5:7b for this session, from the next message on.");

      FakeCommandContext back = with("default");
      back.gateway.defaultModel = "llama3.2";
      back.session.model = "qwen2.5:7b";
      new ModelCommand().execute(back);
      assertThat(back.session.calls).containsExactly("setModel null");

      FakeCommandContext spaced = with("two words");
      spaced.gateway.defaultModel = "llama3.2";
      new ModelCommand().execute(spaced);
      assertThat(spaced.replies).containsExactly("A model name is one word, such as llama3.2.");
      assertThat(spaced.session.calls).isEmpty();
    }
  }

  @Nested
  class RetryAndUndo {
    @Test
    void retrySubmitsTheLastMessageAgain() {
      FakeCommandContext ctx = with("");
      ctx.session.lastExchange = "what is 2+2?";
      new RetryCommand().execute(ctx);
      assertThat(ctx.session.submitted).containsExactly("turn:what is 2+2?");
      assertThat(ctx.replies).isEmpty();
    }

    @Test
    void retryWithNothingToRetrySaysSo() {
      FakeCommandContext ctx = with("");
      new RetryCommand().execute(ctx);
      assertThat(ctx.replies)
          .containsExactly("There is nothing to retry in this conversation yet.");
      assertThat(ctx.session.submitted).isEmpty();
    }

    @Test
    void bothAreRefusedWhileAReplyRuns() {
      FakeCommandContext ctx = with("");
      ctx.session.turnRunning = true;
      ctx.session.lastExchange = "x";
      new RetryCommand().execute(ctx);
      new UndoCommand().execute(ctx);
      assertThat(ctx.session.calls).isEmpty();
      assertThat(ctx.replies).hasSize(2).allMatch(r -> r.contains("Send /stop first"));
    }

    @Test
    void undoQuotesWhatWasForgottenShortened() {
      FakeCommandContext ctx = with("");
      ctx.session.lastExchange = "please  summarise\nthe whole of War and Peace in the style of a"
          + " pirate, chapter by chapter";
      new UndoCommand().execute(ctx);
      assertThat(ctx.replies)
          .singleElement()
          .asString()
          .startsWith("Forgotten: \u201cplease summarise the whole of War and Peace")
          .endsWith("\u2026\u201d and its reply.");
      FakeCommandContext empty = with("");
      new UndoCommand().execute(empty);
      assertThat(empty.replies).containsExactly("There is nothing to undo in this conversation.");
    }
  }

  @Nested
  class Queue {
    @Test
    void queuesTheTextAlways() {
      FakeCommandContext ctx = with("and then deploy");
      new QueueCommand().execute(ctx);
      assertThat(ctx.session.submitted).containsExactly("queue:and then deploy");
    }

    @Test
    void withoutTextItExplains() {
      FakeCommandContext ctx = with("");
      new QueueCommand().execute(ctx);
      assertThat(ctx.replies)
          .containsExactly("Write the message after the command: /queue <text>.");
      assertThat(ctx.session.submitted).isEmpty();
    }
  }

  @Nested
  class BusyAndTools {
    @Test
    void busyShowsSetsAndResets() {
      FakeCommandContext show = with("");
      new BusyCommand().execute(show);
      assertThat(show.replies)
          .singleElement()
          .asString()
          .startsWith("Busy policy: interrupt. A new message stops the current reply");
      FakeCommandContext set = with("QUEUE");
      new BusyCommand().execute(set);
      assertThat(set.session.calls).containsExactly("setBusyPolicy queue");
      FakeCommandContext reset = with("default");
      new BusyCommand().execute(reset);
      assertThat(reset.session.calls).containsExactly("setBusyPolicy null");
      FakeCommandContext bad = with("sometimes");
      new BusyCommand().execute(bad);
      assertThat(bad.replies)
          .containsExactly("Unknown busy policy \"sometimes\". Use /busy"
              + " interrupt, /busy queue or /busy default.");
      assertThat(bad.session.calls).isEmpty();
    }

    @Test
    void toolsTurnsOnAndOff() {
      FakeCommandContext on = with("on");
      new ToolsCommand().execute(on);
      assertThat(on.session.calls).containsExactly("setToolProgress true");
      FakeCommandContext show = with("");
      show.session.toolProgress = true;
      new ToolsCommand().execute(show);
      assertThat(show.replies)
          .singleElement()
          .asString()
          .startsWith("Tool progress is on in this session.");
      FakeCommandContext bad = with("maybe");
      new ToolsCommand().execute(bad);
      assertThat(bad.replies).containsExactly("Use /tools on or /tools off.");
      assertThat(bad.session.calls).isEmpty();
    }
  }

  @Test
  void voiceTurnsOnAndOffAndSaysWhenTheGatewayCannotSpeak() {
    FakeCommandContext on = with("on");
    new VoiceCommand().execute(on);
    assertThat(on.session.calls).containsExactly("setVoiceReplies true");
    assertThat(on.replies)
        .containsExactly("Voice replies are on: each reply also comes as a voice note.");
    FakeCommandContext show = with("");
    show.session.voiceReplies = true;
    new VoiceCommand().execute(show);
    assertThat(show.replies)
        .singleElement()
        .asString()
        .startsWith("Voice replies are on in this session.");
    FakeCommandContext unset = with("on");
    unset.session.voiceAvailable = false;
    new VoiceCommand().execute(unset);
    assertThat(unset.session.calls).isEmpty();
    assertThat(unset.replies).singleElement().asString().contains("tts.base_url");
    FakeCommandContext bad = with("loud");
    new VoiceCommand().execute(bad);
    assertThat(bad.replies).containsExactly("Use /voice on or /voice off.");
  }

  @Nested
  class WhoamiUsageApprovals {
    @Test
    void whoamiNamesTheUserTheChatAndTheRole() {
      FakeCommandContext ctx = with("");
      ctx.senderIsAdmin = true;
      new WhoamiCommand().execute(ctx);
      assertThat(ctx.replies).containsExactly("""
          You are Ada (telegram user u1)
          Chat: 123 (private)
          Session: telegram:123
          Role: admin""");
    }

    @Test
    void usageWithoutReportsSaysSoAndWithThemAddsUp() {
      FakeCommandContext none = with("");
      new UsageCommand().execute(none);
      assertThat(none.replies)
          .containsExactly(
              "No token counts yet: the agent (echo) has not reported any in this session.");
      FakeCommandContext some = with("");
      some.session.conversationUsage = new SessionControl.Usage(1, 1500, 20);
      some.session.sessionUsage = new SessionControl.Usage(4, 12000, 380);
      new UsageCommand().execute(some);
      assertThat(some.replies).containsExactly("""
          This conversation: 1,500 tokens in, 20 out (1 turn)
          This session in all: 12,000 tokens in, 380 out (4 turns)""");
    }

    @Test
    void approveAndDenyAnswerOnlyAWaitingQuestion() {
      FakeCommandContext idle = with("");
      new ApprovalCommand(true).execute(idle);
      assertThat(idle.replies)
          .containsExactly("The agent is not waiting for an answer in this session.");
      FakeCommandContext waiting = with("");
      waiting.session.approvalWaiting = true;
      new ApprovalCommand(false).execute(waiting);
      assertThat(waiting.session.calls).containsExactly("answerApproval false");
      assertThat(waiting.replies).containsExactly("\u274c Denied.");
    }
  }
}

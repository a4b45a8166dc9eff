package dev.switchboard.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.command.GatewayControl.RestartOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CommandsTest {
  private final FakeCommandContext ctx = new FakeCommandContext();

  @Nested
  class Help {
    @Test
    void listsEveryStandardCommandWithAliasesAndDescriptions() {
      new HelpCommand().execute(ctx);

      assertThat(ctx.replies).containsExactly("""
          Commands:
          /new, /reset \u2014 Start a new conversation
          /stop \u2014 Stop the current reply and drop queued messages
          /status \u2014 Show this session and the gateway's state
          /help \u2014 List the commands
          /restart \u2014 Restart the gateway (replies here when it is back)
          /sethome \u2014 Make this chat the home for the gateway's own notices
          /cron \u2014 Scheduled jobs: /cron add <schedule> <prompt>, list, pause, resume, remove, run
          /model \u2014 Show or choose this session's model: /model [name|default]
          /retry \u2014 Answer your last message again
          /undo \u2014 Make the agent forget your last message and its reply
          /queue \u2014 Send a message that waits for the current reply: /queue <text>
          /busy \u2014 What a new message does while a reply runs: /busy interrupt|queue|default
          /tools \u2014 Show the agent's tool calls while it works: /tools on|off
          /voice \u2014 Also send replies as voice notes: /voice on|off
          /whoami \u2014 Show your user id, this chat and your role
          /usage \u2014 Show the tokens used in this session
          /approve \u2014 Allow what the agent asked to do
          /deny \u2014 Refuse what the agent asked to do
          Anything else is sent to the agent.""");
    }

    @Test
    void listsExtraCommandsFromTheTableItIsGiven() {
      Command extra = new Command() {
        @Override
        public String name() {
          return "deploy";
        }

        @Override
        public List<String> aliases() {
          return List.of("d", "ship");
        }

        @Override
        public String description() {
          return "Deploy the site";
        }

        @Override
        public void execute(CommandContext context) {}
      };
      FakeCommandContext withExtra =
          new FakeCommandContext("/help", "", CommandTable.standard(List.of(extra)));

      new HelpCommand().execute(withExtra);

      assertThat(withExtra.replies)
          .singleElement()
          .asString()
          .contains(
              "/deny \u2014 Refuse what the agent asked to do\n/deploy, /d, /ship \u2014 Deploy the site\n")
          .endsWith("Anything else is sent to the agent.");
    }

    @Test
    void touchesNeitherSessionNorGateway() {
      new HelpCommand().execute(ctx);

      assertThat(ctx.session.calls).isEmpty();
      assertThat(ctx.gateway.restartRequests).isEmpty();
    }
  }

  @Nested
  class New {
    @Test
    void startsANewConversationAndSaysSo() {
      new NewCommand().execute(ctx);

      assertThat(ctx.session.calls).containsExactly("newConversation");
      assertThat(ctx.replies).containsExactly("Started a new conversation.");
    }

    @Test
    void isAlsoCalledReset() {
      assertThat(new NewCommand().name()).isEqualTo("new");
      assertThat(new NewCommand().aliases()).containsExactly("reset");
    }
  }

  @Nested
  class Stop {
    @Test
    void withNothingRunningSaysSo() {
      ctx.session.stopResult = 0;

      new StopCommand().execute(ctx);

      assertThat(ctx.session.calls).containsExactly("stop");
      assertThat(ctx.replies).containsExactly("Nothing is running.");
    }

    @Test
    void withSomethingStoppedSaysStopped() {
      ctx.session.stopResult = 3;

      new StopCommand().execute(ctx);

      assertThat(ctx.session.calls).containsExactly("stop");
      assertThat(ctx.replies).containsExactly("Stopped.");
    }

    @Test
    void withOneThingStoppedSaysStopped() {
      ctx.session.stopResult = 1;

      new StopCommand().execute(ctx);

      assertThat(ctx.replies).containsExactly("Stopped.");
    }
  }

  @Nested
  class Status {
    @Test
    void describesSessionAndGateway() {
      ctx.session.key = "telegram:-100/7@42";
      ctx.session.turnRunning = true;
      ctx.session.queuedMessages = 2;
      ctx.gateway.backend = "claude";
      ctx.gateway.state = "running";
      ctx.gateway.uptime = Duration.ofSeconds(3725);
      ctx.gateway.activeTurns = 5;
      ctx.gateway.version = "0.1.0";

      new StatusCommand().execute(ctx);

      assertThat(ctx.replies).containsExactly("""
          Session: telegram:-100/7@42
          Turn running: yes
          Queued messages: 2 (busy policy: interrupt)
          Agent: claude
          Gateway: running, up 1h 2m, 5 active turn(s), version 0.1.0""");
    }

    @Test
    void showsTheSessionsModelAndAWaitingApproval() {
      ctx.session.turnRunning = true;
      ctx.session.approvalWaiting = true;
      ctx.session.busyPolicy = "queue";
      ctx.session.model = "llama3.2";
      ctx.gateway.defaultModel = "gpt-4o";

      new StatusCommand().execute(ctx);

      assertThat(ctx.replies)
          .singleElement()
          .asString()
          .contains("\nTurn running: yes (waiting for /approve or /deny)\n")
          .contains("(busy policy: queue)")
          .contains("\nModel: llama3.2\n");
    }

    @Test
    void idleSessionSaysNo() {
      ctx.session.turnRunning = false;
      ctx.session.queuedMessages = 0;

      new StatusCommand().execute(ctx);

      assertThat(ctx.replies)
          .singleElement()
          .asString()
          .contains("\nTurn running: no\n")
          .contains("\nQueued messages: 0 (busy policy: interrupt)\n")
          .contains("up 42s");
    }

    @Test
    void changesNothing() {
      new StatusCommand().execute(ctx);

      assertThat(ctx.session.calls).isEmpty();
      assertThat(ctx.gateway.restartRequests).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}s -> {1}")
    @CsvSource({
      "0, 0s",
      "59, 59s",
      "60, 1m 0s",
      "61, 1m 1s",
      "3599, 59m 59s",
      "3600, 1h 0m",
      "3661, 1h 1m",
      "86399, 23h 59m",
      "86400, 1d 0h",
      "90000, 1d 1h",
      "1209600, 14d 0h",
    })
    void humanUptime(long seconds, String expected) {
      assertThat(StatusCommand.human(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void humanUptimeIgnoresFractionsOfASecond() {
      assertThat(StatusCommand.human(Duration.ofMillis(59_999))).isEqualTo("59s");
    }
  }

  @Nested
  class SetHome {
    @Test
    void makesThisChatTheHomeOfItsPlatform() {
      new SetHomeCommand().execute(ctx);

      assertThat(ctx.gateway.homes).containsExactly(ctx.message.chat());
      assertThat(ctx.replies.getFirst())
          .contains("This chat is now the home of Switchboard on "
              + ctx.message.chat().platform());
    }

    @Test
    void takesNoArguments() {
      FakeCommandContext c = new FakeCommandContext(
          "/sethome elsewhere", "elsewhere", CommandTable.standard(List.of()));

      new SetHomeCommand().execute(c);

      assertThat(c.gateway.homes).isEmpty();
      assertThat(c.replies.getFirst()).startsWith("/sethome takes no arguments");
    }

    @Test
    void isForAdminsOnly() {
      assertThat(new SetHomeCommand().adminOnly()).isTrue();
    }
  }

  @Nested
  class Restart {
    @Test
    void asksTheGatewayToRestartForThisMessage() {
      new RestartCommand().execute(ctx);

      assertThat(ctx.gateway.restartRequests).containsExactly(ctx.message);
    }

    @Test
    void acceptedSaysItWillReport() {
      ctx.gateway.outcome = RestartOutcome.ACCEPTED;

      new RestartCommand().execute(ctx);

      assertThat(ctx.replies)
          .containsExactly("\u267b Restarting\u2026 I will say so here when I am back.");
    }

    @Test
    void alreadyStoppingSaysSo() {
      ctx.gateway.outcome = RestartOutcome.ALREADY_STOPPING;

      new RestartCommand().execute(ctx);

      assertThat(ctx.replies).containsExactly("The gateway is already stopping or restarting.");
    }

    @Test
    void alreadyHonouredRepliesNothing() {
      ctx.gateway.outcome = RestartOutcome.ALREADY_HONOURED;

      new RestartCommand().execute(ctx);

      assertThat(ctx.replies).isEmpty();
      assertThat(ctx.gateway.restartRequests).hasSize(1);
    }

    @Test
    void notRecordedExplainsThatNothingHappened() {
      ctx.gateway.outcome = RestartOutcome.NOT_RECORDED;

      new RestartCommand().execute(ctx);

      assertThat(ctx.replies)
          .singleElement()
          .asString()
          .startsWith("Not restarting:")
          .contains("could not record this request on disk")
          .contains("gateway log");
    }

    @ParameterizedTest
    @EnumSource(
        value = RestartOutcome.class,
        names = "ALREADY_HONOURED",
        mode = EnumSource.Mode.EXCLUDE)
    void everyOtherOutcomeRepliesExactlyOnce(RestartOutcome outcome) {
      ctx.gateway.outcome = outcome;

      new RestartCommand().execute(ctx);

      assertThat(ctx.replies).hasSize(1);
    }

    @Test
    void eachOutcomeHasItsOwnReply() {
      java.util.Set<String> texts = new java.util.HashSet<>();
      for (RestartOutcome outcome : RestartOutcome.values()) {
        FakeCommandContext c = new FakeCommandContext();
        c.gateway.outcome = outcome;
        new RestartCommand().execute(c);
        texts.addAll(c.replies);
      }

      assertThat(texts).hasSize(RestartOutcome.values().length - 1);
    }

    @Test
    void neverTouchesTheSession() {
      new RestartCommand().execute(ctx);

      assertThat(ctx.session.calls).isEmpty();
    }
  }
}

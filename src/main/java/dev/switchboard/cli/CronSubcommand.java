package dev.switchboard.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard cron list|add|pause|resume|remove|run}: the running gateway's scheduled
 * jobs, the same requests and answers as {@code /cron} in a chat, asked over the gateway's
 * admin API on loopback (so a change takes effect at once).
 */
@Command(
    name = "cron",
    description = {
      "Scheduled jobs of the running gateway, as /cron in a chat.",
      "  switchboard cron list",
      "  switchboard cron add --to telegram:123456789 \"every day at 9:00\" \"Morning briefing:"
          + " weather, calendar, top news\"",
      "  switchboard cron add --to slack:C0123ABCD --tz America/New_York \"0 9 * * 1-5\""
          + " \"Standup summary\"",
      "  switchboard cron pause|resume|remove|run ID",
      "Schedules: a cron expression (5 fields), every 2h, every day at 9:00, every monday at"
          + " 8:30, in 20m, at 2026-12-24 18:00. Exit 0 when the gateway answered, 1 otherwise."
    })
final class CronSubcommand implements Callable<Integer> {
  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "REQUEST",
      description = "list, add, pause, resume, remove or run")
  String request;

  @Parameters(
      index = "1..*",
      paramLabel = "WORDS",
      description = "For add: the schedule, then the prompt; otherwise the job's number.")
  List<String> words = new ArrayList<>();

  @Option(names = "--to", paramLabel = "TARGET", description = "add: platform:chat[:thread]")
  @Nullable
  String to;

  @Option(names = "--tz", paramLabel = "ZONE", description = "add: the schedule's time zone")
  @Nullable
  String zone;

  @Option(
      names = "--shared",
      description = "add: runs talk in the chat's conversation, not one of their own")
  boolean shared;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    try (AdminSession session = AdminSession.open(home, "nothing was changed")) {
      AdminSession.Answer answer = session.post(
          "/api/admin/cron", AdminSession.JSON.createObjectNode().put("arguments", arguments()));
      if (answer.status() == 422) {
        err.println(answer.body().path("answer").asString());
        return CliExit.FAILED;
      }
      if (answer.status() != 200) {
        err.println("switchboard: the gateway refused the request: "
            + answer.body().path("error").asString("HTTP " + answer.status()));
        return CliExit.FAILED;
      }
      out.println(answer.body().path("answer").asString());
      return CliExit.OK;
    } catch (AdminSession.Unavailable e) {
      err.println("switchboard: " + e.getMessage());
      return CliExit.FAILED;
    }
  }

  /** The words of the same request made in a chat. */
  String arguments() {
    List<String> all = new ArrayList<>();
    all.add(request);
    if (shared) {
      all.add("--shared");
    }
    if (zone != null) {
      all.add("--tz");
      all.add(zone);
    }
    if (to != null) {
      all.add("--to");
      all.add(to);
    }
    all.addAll(words);
    return String.join(" ", all);
  }
}

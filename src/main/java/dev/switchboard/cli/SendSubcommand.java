package dev.switchboard.cli;

import dev.switchboard.http.LoginGate;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code switchboard send <platform>:<chat>[:<thread>] "text" [--file PATH]...}: the running
 * gateway sends the text, and the files, through its outbox. Asked over the gateway's own HTTP
 * server on loopback, logged in with the state directory's login token (only its owner can
 * read it), so this works whatever platforms are enabled. The files are checked here first
 * ({@link SendFiles}), so a missing or too large file sends nothing.
 */
@Command(
    name = "send",
    description = {
      "Send a message to a chat through the running gateway (its outbox and rate limits).",
      "TARGET is platform:chat or platform:chat:thread, for example telegram:123456789,"
          + " telegram:-1001234567890:7 (a forum topic), discord:112233445566778899,"
          + " slack:C0123ABCD:1712345678.000100 (a thread). Only chats the gateway has talked"
          + " with, or home channels, unless send.allow_unknown_targets is true.",
      "--file PATH (up to 10) sends files after the text, or with it as the first file's"
          + " caption where it fits; TEXT may then be left out. Each file is checked first:"
          + " it must exist, be readable and be within media.max_file_mb. Exit 0 when sent, 1"
          + " otherwise."
    })
final class SendSubcommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** Files take longer: uploaded here, then to the platform, within its rate limits. */
  private static final Duration FILE_TIMEOUT = Duration.ofMinutes(10);

  @ParentCommand
  SwitchboardCommand root;

  @Mixin
  HomeOption homeOption;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TARGET", description = "platform:chat[:thread]")
  String target;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TEXT",
      description = "The message (Markdown); may be left out when --file is given.")
  @Nullable
  String text;

  @Option(
      names = "--file",
      paramLabel = "PATH",
      description = "A file to send (repeatable, up to 10), as a photo or a document as the"
          + " platform shows it.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--key",
      paramLabel = "KEY",
      description = "An idempotency key: sent again with the same key, nothing is sent twice.")
  @Nullable
  String key;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path home = homeOption.resolve(root.env());
    if ((text == null || text.isBlank()) && files.isEmpty()) {
      err.println("switchboard: give the TEXT to send, a --file PATH, or both; nothing was sent");
      return CliExit.FAILED;
    }
    List<SendFiles.Checked> checked;
    try {
      checked = files.isEmpty()
          ? List.of()
          : SendFiles.check(files, SendFiles.maxFileBytes(home, root.env()));
    } catch (SendFiles.Refused e) {
      err.println("switchboard: cannot send " + e.getMessage() + "; nothing was sent");
      return CliExit.FAILED;
    }
    try (AdminSession session = AdminSession.open(home, "nothing was sent")) {
      AdminSendBody request;
      try {
        request = AdminSendBody.of(target, text, key, checked);
      } catch (FileNotFoundException e) {
        err.println("switchboard: cannot send " + e.getMessage() + "; nothing was sent");
        return CliExit.FAILED;
      }
      AdminSession.Answer answer = session.send(
          "/api/admin/send",
          checked.isEmpty() ? TIMEOUT : FILE_TIMEOUT,
          request.contentType(),
          request.publisher(),
          request.upload() ? Map.of(LoginGate.UPLOAD_HEADER, "1") : Map.of());
      if (answer.status() != 200) {
        err.println("switchboard: not sent: "
            + answer.body().path("error").asString("HTTP " + answer.status()));
        return CliExit.FAILED;
      }
      out.println("sent to " + answer.body().path("target").asString() + ": message(s) "
          + String.join(
              ", ",
              answer
                  .body()
                  .path("message_ids")
                  .valueStream()
                  .map(JsonNode::asString)
                  .toList()));
      return CliExit.OK;
    } catch (AdminSession.Unavailable e) {
      err.println("switchboard: " + e.getMessage());
      return CliExit.FAILED;
    } catch (IOException e) {
      err.println("switchboard: could not reach the gateway: " + e
          + " (nothing was sent, or the gateway's log says it was)");
      return CliExit.FAILED;
    }
  }

  /**
   * host:port as the URL needs it (state files write an IPv6 host bare): a gateway listening
   * on every address is asked on loopback, as a login-free gateway requires.
   */
  static String loopback(String address) {
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    String port = address.substring(colon + 1);
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
      return "127.0.0.1:" + port;
    }
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }
}

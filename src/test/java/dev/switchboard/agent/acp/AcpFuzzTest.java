package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.agent.Approver;
import dev.switchboard.agent.TurnOutput;
import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzing of what an ACP agent writes on its stdout: JSON-RPC lines through {@link
 * JsonRpcConnection} (a line that is not JSON-RPC is skipped, the connection carries on: the
 * pending request still gets its answer, the agent's requests still get well-formed replies),
 * and the contents of {@code session/update} and {@code session/request_permission} through
 * {@link AcpTurn} (text and tool lines, or nothing; an outcome for every permission request).
 */
@AddLifecycleHook(FuzzTries.class)
class AcpFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static final JsonNode TEXT_UPDATE = JSON.readTree("""
      {"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"s1",
       "update":{"sessionUpdate":"agent_message_chunk","content":{"type":"text","text":"Hi"}}}}
      """);
  static final JsonNode TOOL_UPDATE = JSON.readTree("""
      {"jsonrpc":"2.0","method":"session/update","params":{"sessionId":"s1",
       "update":{"sessionUpdate":"tool_call","toolCallId":"t1","title":"Read file","kind":"read",
        "status":"in_progress","locations":[{"path":"/src/App.java","line":12}],
        "rawInput":{"path":"/src/App.java"}}}}
      """);
  static final JsonNode PERMISSION = JSON.readTree("""
      {"jsonrpc":"2.0","id":7,"method":"session/request_permission","params":{"sessionId":"s1",
       "toolCall":{"toolCallId":"t2","title":"Run rm","kind":"execute",
        "locations":[{"path":"/tmp"}],"rawInput":{"command":"rm -rf /tmp/x"}},
       "options":[{"optionId":"a1","name":"Allow","kind":"allow_once"},
                  {"optionId":"a2","name":"Always","kind":"allow_always"},
                  {"optionId":"r1","name":"Reject","kind":"reject_once"}]}}
      """);
  static final JsonNode RESPONSE =
      JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"stopReason\":\"end_turn\"}}");
  static final JsonNode ERROR_RESPONSE = JSON.readTree(
      "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32602,\"message\":\"bad\"}}");

  private static final List<JsonNode> SAMPLES =
      List.of(TEXT_UPDATE, TOOL_UPDATE, PERMISSION, RESPONSE, ERROR_RESPONSE);

  private static Arbitrary<JsonNode> mutatedSamples() {
    return Arbitraries.integers()
        .between(0, SAMPLES.size() - 1)
        .flatMap(i -> Fuzz.mutated(SAMPLES.get(i)));
  }

  @Provide
  Arbitrary<JsonNode> updates() {
    return Arbitraries.oneOf(
        Fuzz.mutated(TEXT_UPDATE.path("params").path("update")),
        Fuzz.mutated(TOOL_UPDATE.path("params").path("update")),
        Fuzz.oddValues());
  }

  @Property(tries = 500)
  void anUpdateIsTextAToolLineOrNothing(@ForAll("updates") JsonNode update) throws Exception {
    List<String> shown = new CopyOnWriteArrayList<>();
    AcpTurn turn = new AcpTurn(output(shown), Approver.DENY_ALL);

    Fuzz.within(() -> {
      turn.onUpdate(update);
      turn.onUpdate(update); // an update of the same tool call again
    });

    assertThat(shown).allSatisfy(line -> assertThat(line).isNotNull());
  }

  @Provide
  Arbitrary<JsonNode> permissionRequests() {
    return Arbitraries.oneOf(Fuzz.mutated(PERMISSION.path("params")), Fuzz.oddValues());
  }

  @Property(tries = 300)
  void everyPermissionRequestGetsAnOutcome(@ForAll("permissionRequests") JsonNode params)
      throws Exception {
    for (Approver.Decision decision : Approver.Decision.values()) {
      AcpTurn turn = new AcpTurn(output(new CopyOnWriteArrayList<>()), (title, details) -> {
        assertThat(title).isNotBlank();
        assertThat(details).isNotNull();
        return decision;
      });

      JsonNode answer = Fuzz.within(() -> turn.askPermission(params));

      assertThat(answer.path("outcome").path("outcome").asString("")).isIn("selected", "cancelled");
    }
  }

  @Provide
  Arbitrary<List<String>> agentOutputs() {
    return Arbitraries.oneOf(
            mutatedSamples().map(JsonNode::toString),
            Fuzz.garbage().map(s -> s.replace("\n", " ").replace("\r", " ")),
            Arbitraries.of("", "   ", "null", "[]", "{}", "{\"jsonrpc\":\"2.0\"}"))
        .list()
        .ofMaxSize(8);
  }

  /**
   * Whatever lines come first, the connection stays usable: our pending request gets the
   * answer that follows them (or an earlier one the lines happen to carry for it), the
   * connection notices the end of the output, and every reply we wrote is one JSON-RPC line.
   */
  @Property(tries = 100)
  void oddLinesAreSkippedAndTheConnectionCarriesOn(@ForAll("agentOutputs") List<String> lines)
      throws Exception {
    List<String> shown = new CopyOnWriteArrayList<>();
    AcpTurn turn = new AcpTurn(output(shown), (title, details) -> Approver.Decision.APPROVED);
    PipedOutputStream agentStdout = new PipedOutputStream();
    PipedInputStream ours = new PipedInputStream(agentStdout, 1 << 16);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    JsonRpcConnection rpc = new JsonRpcConnection(
        ours,
        written,
        new JsonRpcConnection.Handler() {
          @Override
          public void onNotification(String method, JsonNode params) {
            if (method.equals("session/update")
                && params.path("sessionId").asString("").equals("s1")) {
              turn.onUpdate(params.path("update"));
            }
          }

          @Override
          public JsonNode onRequest(String method, JsonNode params)
              throws JsonRpcConnection.RpcError {
            if (!method.equals("session/request_permission")) {
              throw new JsonRpcConnection.RpcError(JsonRpcConnection.METHOD_NOT_FOUND, method);
            }
            return turn.askPermission(params);
          }
        },
        "fuzz");
    rpc.start();
    CompletableFuture<JsonNode> pending = rpc.request("session/prompt", JSON.createObjectNode());

    Thread writer = Thread.ofVirtual().start(() -> {
      try (agentStdout) {
        for (String line : lines) {
          agentStdout.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        agentStdout.write(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"stopReason\":\"end_turn\"}}\n"
                .getBytes(StandardCharsets.UTF_8));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });

    try {
      assertThat(Fuzz.await(pending)).isNotNull();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(JsonRpcConnection.RpcError.class);
    }
    Fuzz.await(rpc.closed());
    writer.join();
    // The agent's requests are answered on threads of their own; each answer is one line.
    for (String line : written.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        assertThat(JSON.readTree(line).path("jsonrpc").asString("")).isEqualTo("2.0");
      }
    }
  }

  @Property(tries = 200)
  void anyBytesOnStdoutEndInAClosedConnection(@ForAll("rawOutputs") byte[] bytes) throws Exception {
    JsonRpcConnection rpc = new JsonRpcConnection(
        new ByteArrayInputStream(bytes),
        new ByteArrayOutputStream(),
        new JsonRpcConnection.Handler() {
          @Override
          public void onNotification(String method, JsonNode params) {}

          @Override
          public JsonNode onRequest(String method, JsonNode params) {
            return JSON.createObjectNode();
          }
        },
        "fuzz");
    CompletableFuture<JsonNode> pending = rpc.request("x", JSON.createObjectNode());
    rpc.start();

    Fuzz.await(rpc.closed());

    assertThat(pending).isDone();
  }

  @Provide
  Arbitrary<byte[]> rawOutputs() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
        Fuzz.garbage().map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  private static TurnOutput output(List<String> shown) {
    return new TurnOutput() {
      @Override
      public void append(String delta) {
        shown.add(delta);
      }

      @Override
      public void toolProgress(String line) {
        shown.add(line);
      }
    };
  }
}

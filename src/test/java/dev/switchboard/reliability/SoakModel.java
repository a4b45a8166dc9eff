package dev.switchboard.reliability;

import dev.switchboard.agent.openai.fake.FakeOpenAiServer;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Recorded;
import dev.switchboard.agent.openai.fake.FakeOpenAiServer.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * The model behind the gateway: the fake OpenAI-compatible server, answering each question
 * with its answer from {@link Answers}, streamed piece by piece with {@code latency} before the
 * first byte and between pieces. It also checks the conversation history each request carries:
 * every earlier question followed by exactly its answer (what the gateway records before it
 * delivers), nothing unanswered, nothing twice.
 */
final class SoakModel implements AutoCloseable {
  private final FakeOpenAiServer server;
  private final Duration latency;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger unrecognised = new AtomicInteger();
  private final AtomicInteger requestsWithHistoryFaults = new AtomicInteger();
  /** The first fault seen about each question, by question id. */
  private final Map<String, String> historyFaults = new ConcurrentHashMap<>();

  SoakModel(Duration latency) throws IOException {
    this.latency = latency;
    this.server = new FakeOpenAiServer().keepNoRequests();
    server.byDefault(this::answer);
  }

  String baseUrl() {
    return server.baseUrl();
  }

  int requests() {
    return requests.get();
  }

  int unrecognisedRequests() {
    return unrecognised.get();
  }

  int requestsWithHistoryFaults() {
    return requestsWithHistoryFaults.get();
  }

  /** The first fault the history showed about each question it concerned. */
  Map<String, String> historyFaults() {
    return Map.copyOf(historyFaults);
  }

  private Reply answer(Recorded request) {
    requests.incrementAndGet();
    List<Turn> turns = new ArrayList<>();
    for (JsonNode m : request.body().path("messages")) {
      turns.add(new Turn(m.path("role").asString(""), m.path("content").asString("")));
    }
    Optional<String> id = turns.isEmpty() || !turns.getLast().role().equals("user")
        ? Optional.empty()
        : Answers.idIn(turns.getLast().text());
    if (id.isEmpty()) {
      unrecognised.incrementAndGet();
      return Reply.text("I see no question here.");
    }
    List<String> faults = historyFaults(turns.subList(0, turns.size() - 1), id.get());
    if (!faults.isEmpty()) {
      requestsWithHistoryFaults.incrementAndGet();
    }
    return Reply.text(Answers.deltas(id.get()).toArray(String[]::new))
        .headerDelay(latency)
        .chunkDelay(latency);
  }

  private record Turn(String role, String text) {}

  /**
   * What is wrong with the history before question {@code current}: each earlier question must
   * be followed by its answer and nothing else. The oldest turns may have been trimmed to fit
   * the model's budget, so an answer may come first.
   */
  private List<String> historyFaults(List<Turn> history, String current) {
    List<String> found = new ArrayList<>();
    int i = 0;
    while (i < history.size() && !history.get(i).role().equals("user")) {
      i++; // the system prompt, or an answer whose question was trimmed away
    }
    for (; i < history.size(); i++) {
      Turn t = history.get(i);
      Optional<String> asked = Answers.idIn(t.text());
      if (t.role().equals("user")) {
        String q = asked.orElse("?");
        if (q.equals(current)) {
          found.add(fault(q, "the question being asked is also in its own history"));
        } else if (i + 1 >= history.size() || !history.get(i + 1).role().equals("assistant")) {
          found.add(fault(q, "a question with no answer after it in the history"));
        } else if (!history.get(i + 1).text().strip().equals(Answers.text(q))) {
          found.add(fault(
              q,
              "its answer in the history is not the answer the model gave: "
                  + abbreviate(history.get(i + 1).text())));
          i++;
        } else {
          i++;
        }
      } else {
        found.add(fault(
            asked.orElse("?"), "an answer with no question before it: " + abbreviate(t.text())));
      }
    }
    return found;
  }

  private String fault(String question, String what) {
    historyFaults.putIfAbsent(question, what);
    return question + ": " + what;
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', '|');
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }

  @Override
  public void close() {
    server.close();
  }
}

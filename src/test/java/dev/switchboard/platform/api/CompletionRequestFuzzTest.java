package dev.switchboard.platform.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testing.Fuzz;
import dev.switchboard.testing.FuzzTries;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzing of {@code POST /v1/chat/completions} bodies through {@link CompletionRequest#parse}:
 * a request, or an {@link ApiError} (400, or 413 for too much text) that names what is wrong,
 * never another exception (which the handler would turn into a 500).
 */
@AddLifecycleHook(FuzzTries.class)
class CompletionRequestFuzzTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  static final JsonNode BODY = JSON.readTree("""
      {"model": "switchboard", "stream": true, "n": 1, "temperature": 0.2,
       "messages": [
         {"role": "system", "content": "Be brief."},
         {"role": "assistant", "content": [{"type": "text", "text": "Earlier"}]},
         {"role": "user", "content": "What time is it?"}]}
      """);

  @Provide
  Arbitrary<String> bodies() {
    return Fuzz.textInsteadOf(BODY);
  }

  @Provide
  Arbitrary<@Nullable String> sessionHeaders() {
    return Arbitraries.oneOf(
        Arbitraries.just((String) null), Arbitraries.of("s1", "a.b:c-d_e"), Fuzz.oddStrings());
  }

  @Property(tries = 500)
  void aBodyIsARequestOrAnApiError(
      @ForAll("bodies") String body, @ForAll("sessionHeaders") @Nullable String session)
      throws Exception {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      return; // JsonExchange answers 400 "the body is not valid JSON" before parse is called
    }
    if (!(node instanceof ObjectNode object)) {
      return; // JsonExchange answers 400 "the body must be a JSON object"
    }

    try {
      CompletionRequest r = Fuzz.within(() -> CompletionRequest.parse(object, session));
      assertThat(r.text()).isNotBlank();
      assertThat(r.model()).isNotBlank();
    } catch (ApiError e) {
      assertThat(e.status()).isIn(400, 413);
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> userTexts() {
    return Fuzz.oddStrings().filter(s -> !s.isBlank());
  }

  @Property(tries = 200)
  void aValidRequestStillParsesWhateverTheUserWrote(@ForAll("userTexts") String text)
      throws Exception {
    ObjectNode body = (ObjectNode) BODY.deepCopy();
    ((ObjectNode) body.path("messages").path(2)).put("content", text);

    CompletionRequest r = CompletionRequest.parse(body, "s1");

    assertThat(r.text()).isEqualTo(text);
    assertThat(r.stream()).isTrue();
    assertThat(r.model()).isEqualTo("switchboard");
  }
}

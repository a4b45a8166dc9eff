package dev.switchboard.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PromptTemplateTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNode PAYLOAD = JSON.readTree("""
      {"action": "opened", "number": 42, "draft": false, "nothing": null,
       "pull_request": {"title": "Fix the drain", "user": {"login": "ada"}, "labels": []},
       "commits": [{"message": "first"}, {"message": "second"}],
       "repository": {"full_name": "o/r", "owner": {"id": 1}}}
      """);

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
          PR: {{pull_request.title}}                 | PR: Fix the drain
          {{ pull_request.user.login }} opened it    | ada opened it
          #{{number}} draft={{draft}}                | #42 draft=false
          {{commits.1.message}}/{{commits.0.message}} | second/first
          [{{commits.5.message}}]                    | []
          [{{commits.x}}]                            | []
          [{{no.such.path}}]                         | []
          [{{nothing}}]                              | []
          [{{action.deeper}}]                        | []
          {{repository.owner}}                       | {"id":1}
          {{pull_request.labels}}                    | []
          no placeholders at all                     | no placeholders at all
          """)
  void fillsPathsFromThePayload(String template, String expected) {
    assertThat(PromptTemplate.parse(template).render(PAYLOAD)).isEqualTo(expected);
  }

  @Test
  void aValueIsCutAtItsCapAndTheWholeAtItsOwn() {
    JsonNode big = JSON.createObjectNode().put("body", "x".repeat(5_000));
    String one = PromptTemplate.parse("<{{body}}>").render(big);
    assertThat(one).hasSize(PromptTemplate.MAX_VALUE + 2).endsWith("\u2026>");

    String many = PromptTemplate.parse("{{body}}".repeat(10)).render(big);
    assertThat(many).hasSize(PromptTemplate.MAX_TEXT).endsWith("\u2026");
  }

  @Test
  void aTemplateWithABrokenPlaceholderIsRefusedSayingWhere() {
    assertThatThrownBy(() -> PromptTemplate.parse("Hi {{pull_request.title"))
        .hasMessageContaining("character 4")
        .hasMessageContaining("never closed");
    assertThatThrownBy(() -> PromptTemplate.parse("Hi {{pull request}}"))
        .hasMessageContaining("not a path");
    assertThatThrownBy(() -> PromptTemplate.parse("{{}}")).hasMessageContaining("not a path");
  }
}

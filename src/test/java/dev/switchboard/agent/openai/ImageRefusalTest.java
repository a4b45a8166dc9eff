package dev.switchboard.agent.openai;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefusalTest {
  private static Failures.ServerError error(String message) {
    return new Failures.ServerError(message, "invalid_request_error", null);
  }

  // What servers answer for a text-only model sent an image_url part.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "400|Invalid content type. image_url is only supported by certain models.",
        "400|llama3.2 is not a multimodal model",
        "400|At most 0 image(s) may be provided in one request.",
        "500|this model is missing data required for image input",
        "400|this model is missing data required for image input",
        "400|image input is not supported - hint: if this is unexpected, you may need to"
            + " provide the mmproj",
        "400|Model does not support images. Please use a model that does.",
        "400|This model does not support image input.",
        "422|Vision is not enabled for this model",
        "400|Unsupported content type 'image_url'",
      })
  void recognisesTheServersWordsForAModelWithoutImages(int status, String message) {
    assertThat(ImageRefusal.isRefusal(status, error(message))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Invalid type for 'messages[1].content[1].image_url': expected an object, but got a"
            + " string instead.",
        "Could not process image: invalid base64 data",
        "You uploaded an unsupported image. Please make sure your image is valid.",
        "This model's maximum context length is 8192 tokens.",
        "Rate limit reached for requests",
        "model 'llava' not found",
      })
  void otherBadRequestsAreNotRefusals(String message) {
    assertThat(ImageRefusal.isRefusal(400, error(message))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 404, 413, 429, 502, 503})
  void otherStatusesAreNeverRefusals(int status) {
    assertThat(ImageRefusal.isRefusal(status, error("image input is not supported")))
        .isFalse();
  }

  @Test
  void anErrorWithoutAMessageIsNoRefusal() {
    assertThat(ImageRefusal.isRefusal(400, new Failures.ServerError(null, null, null)))
        .isFalse();
  }
}

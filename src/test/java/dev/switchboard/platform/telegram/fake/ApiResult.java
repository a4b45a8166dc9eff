package dev.switchboard.platform.telegram.fake;

import tools.jackson.databind.JsonNode;

/** A successful answer: {@code result}, and the optional {@code description} some carry. */
record ApiResult(JsonNode result, String description) {
  static ApiResult of(JsonNode result) {
    return new ApiResult(result, null);
  }
}

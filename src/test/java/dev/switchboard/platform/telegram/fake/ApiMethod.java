package dev.switchboard.platform.telegram.fake;

/** One Bot API method; failures are thrown as {@link ApiException}. */
@FunctionalInterface
interface ApiMethod {
  ApiResult call(ApiRequest request);
}

package dev.switchboard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class HttpCallsTest {
  @Test
  void onlyAFailureToConnectMeansTheRequestWasNotSent() {
    assertThat(HttpCalls.notSent(new ConnectException("refused"))).isTrue();
    assertThat(HttpCalls.notSent(new HttpConnectTimeoutException("connect timed out")))
        .isTrue();
    assertThat(HttpCalls.notSent(new UnresolvedAddressException())).isTrue();
    assertThat(HttpCalls.notSent(new IOException("wrapped", new ConnectException("refused"))))
        .isTrue();
    assertThat(HttpCalls.notSent(new IOException("wrapped", new UnresolvedAddressException())))
        .isTrue();
    // Once connected, the server may have acted on the request.
    assertThat(HttpCalls.notSent(new HttpTimeoutException("request timed out"))).isFalse();
    assertThat(HttpCalls.notSent(new IOException("connection reset"))).isFalse();
    assertThat(HttpCalls.notSent(null)).isFalse();
  }

  @Test
  void anExchangeWithoutAnAnswerByTheDeadlineIsCancelled() {
    CompletableFuture<HttpResponse<String>> never = new CompletableFuture<>();
    HttpCalls.Unanswered e = catchThrowableOfType(
        HttpCalls.Unanswered.class, () -> HttpCalls.await(never, Duration.ofMillis(10)));
    assertThat(e.timedOut()).isTrue();
    assertThat(e.notSent()).isFalse();
    assertThat(never).isCancelled();
  }

  @Test
  void aFailedExchangeSaysWhetherItWasSent() {
    CompletableFuture<HttpResponse<String>> refused =
        CompletableFuture.failedFuture(new ConnectException("refused"));
    HttpCalls.Unanswered e = catchThrowableOfType(
        HttpCalls.Unanswered.class, () -> HttpCalls.await(refused, Duration.ofSeconds(5)));
    assertThat(e.timedOut()).isFalse();
    assertThat(e.notSent()).isTrue();
    assertThat(e.getCause()).isInstanceOf(ConnectException.class);
  }
}

package dev.switchboard.media;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A response body read into memory up to a limit: a server that sends more (a runaway stream,
 * the wrong URL serving a large file) fails the request with {@link TooLarge} and the rest is
 * never read. The JDK's {@code ofByteArray} has no limit.
 */
final class LimitedBody {
  private LimitedBody() {}

  /** The body went past the limit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("response body longer than " + limit + " bytes");
    }
  }

  static HttpResponse.BodyHandler<byte[]> upTo(long limit) {
    return info -> new Subscriber(limit, HttpResponse.BodySubscribers.ofByteArray());
  }

  private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final HttpResponse.BodySubscriber<byte[]> all;
    private Flow.@Nullable Subscription subscription;
    private long seen;
    private boolean over;

    Subscriber(long limit, HttpResponse.BodySubscriber<byte[]> all) {
      this.limit = limit;
      this.all = all;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return all.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      all.onSubscribe(s);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (over) {
        return; // buffers already in flight when the subscription was cancelled
      }
      for (ByteBuffer b : items) {
        seen += b.remaining();
      }
      if (seen > limit) {
        over = true;
        if (subscription != null) {
          subscription.cancel();
        }
        all.onError(new TooLarge(limit));
        return;
      }
      all.onNext(items);
    }

    @Override
    public void onError(Throwable t) {
      if (!over) {
        all.onError(t);
      }
    }

    @Override
    public void onComplete() {
      if (!over) {
        all.onComplete();
      }
    }
  }
}

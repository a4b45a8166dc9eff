package dev.switchboard.platform.web;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Months of web chat history written straight to {@code web/} in the format the gateway writes
 * ({@link ChatLine}), cheaply enough to build hundreds of megabytes in a test on a busy machine:
 * one big conversation and many ordinary ones. Message {@code n} of a conversation says
 * "message n" first, so a test can tell which page it is looking at.
 */
final class HistoryFiles {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** The big conversation's first line; message {@code n} is {@code n} ms later. */
  static final Instant BIG_CHAT_START = T0.plusSeconds(3600);
  /** About a screenful of text per answer, what a long answer of an agent takes. */
  private static final String FILLER = "lorem ipsum dolor sit amet, ".repeat(36);

  /** What was written: the big conversation, its message count, and the bytes of all files. */
  record Written(String bigChat, int bigChatMessages, long bytes) {}

  private HistoryFiles() {}

  /**
   * Writes {@code bigBytes} of one conversation and {@code smallChats} of {@code smallBytes}
   * each into {@code web}; the big one is the most recently updated.
   */
  static Written write(Path web, long bigBytes, int smallChats, long smallBytes)
      throws IOException {
    Files.createDirectories(web);
    // The ordinary conversations are one and the same, written once and copied: only the big
    // one is read back message by message.
    ByteArrayOutputStream small = new ByteArrayOutputStream();
    conversation(small, smallBytes, T0);
    byte[] smallFile = small.toByteArray();
    for (int c = 0; c < smallChats; c++) {
      Files.write(web.resolve("small-" + c + ".jsonl"), smallFile);
    }
    int bigMessages;
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(web.resolve("big.jsonl")), 1 << 16)) {
      bigMessages = conversation(out, bigBytes, BIG_CHAT_START);
    }
    return new Written(
        "big",
        bigMessages,
        Files.size(web.resolve("big.jsonl")) + (long) smallChats * smallFile.length);
  }

  /** Writes messages until {@code bytes} are written; returns how many. */
  private static int conversation(OutputStream out, long bytes, Instant start) throws IOException {
    long written = put(out, ChatLine.created(start));
    int n = 0;
    while (written < bytes) {
      n++;
      written += put(out, line(n, start.plusMillis(n)));
    }
    return n;
  }

  /**
   * What {@link ChatLine#message} writes for message {@code n}, put together without a JSON
   * writer (the text needs no escaping), which would take most of the test's time.
   */
  static String line(int n, Instant at) {
    boolean user = n % 2 == 1;
    return "{\"type\":\"message\",\"id\":\"" + (user ? "u-" : "a-") + n + "\",\"role\":\""
        + (user ? WebMessage.USER : WebMessage.AGENT) + "\",\"text\":\"message " + n + " "
        + (user ? "question" : FILLER) + "\",\"at\":\"" + at + "\"}\n";
  }

  /** The message {@link #line} writes. */
  static WebMessage message(int n, Instant at) {
    boolean user = n % 2 == 1;
    return new WebMessage(
        (user ? "u-" : "a-") + n,
        user ? WebMessage.USER : WebMessage.AGENT,
        "message " + n + " " + (user ? "question" : FILLER),
        at);
  }

  private static int put(OutputStream out, String line) throws IOException {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    out.write(bytes);
    return bytes.length;
  }
}

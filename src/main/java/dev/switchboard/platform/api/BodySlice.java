package dev.switchboard.platform.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import tools.jackson.core.JacksonException;

/** A string value of a request body kept on disk, read from where its opening quote is. */
record BodySlice(Path body, long quoteOffset) implements Blob {
  private static final int BUFFER = 64 * 1024;

  @Override
  public InputStream open() throws IOException {
    return new JsonStringContent(afterQuote());
  }

  @Override
  public Optional<String> text(int maxChars) throws IOException {
    // The literal as written, escapes and all (at most 6 bytes a character), read by Jackson.
    ByteArrayOutputStream literal = new ByteArrayOutputStream();
    literal.write('"');
    try (InputStream in = afterQuote()) {
      boolean escaped = false;
      while (true) {
        int b = in.read();
        if (b < 0 || literal.size() > 6L * maxChars + 2) {
          return Optional.empty();
        }
        literal.write(b);
        if (escaped) {
          escaped = false;
        } else if (b == '\\') {
          escaped = true;
        } else if (b == '"') {
          break;
        }
      }
    }
    try {
      String s = RequestBodyReader.MAPPER.readValue(literal.toByteArray(), String.class);
      return s.length() <= maxChars ? Optional.of(s) : Optional.empty();
    } catch (JacksonException e) {
      return Optional.empty();
    }
  }

  private InputStream afterQuote() throws IOException {
    FileChannel channel = FileChannel.open(body, StandardOpenOption.READ);
    try {
      channel.position(quoteOffset + 1);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    return new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
  }
}

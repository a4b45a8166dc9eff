package dev.switchboard.media;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The text of a document a user sent, for a model that takes only text: text-like files (plain
 * text, Markdown, CSV, JSON, YAML, source code, ...) and PDFs' text layers, within a budget of
 * characters ({@code media.document_chars}).
 *
 * <p>What a file is is decided by its first bytes, then by the MIME type the platform stated
 * and the file name (see {@link DocumentFormat}); a file that claims to be text is still
 * checked byte by byte. Only what the budget needs is read: a bounded prefix of a text file,
 * the pages of a PDF until the budget is full.
 *
 * <p>A text longer than the budget is cut at a line break or space near it (never inside a
 * surrogate pair), and a note says so on a line of its own: {@code [… cut: showed 12,000 of
 * 48,213 characters]}, or, when the rest was never read, {@code [… cut: showed 12,000
 * characters of a 1,048,576-byte file]} and {@code [… cut: showed 12,000 characters, pages 1–7
 * of 120]}. The text before the note is always a prefix of the document's text of at most the
 * budget.
 *
 * <p>A file with no text to give gets a {@link NoText} whose reason completes "I can't read
 * this file: …" in one line, with no stack trace or library message in it: "this is a ZIP
 * archive; only text files and PDFs can be read", "this PDF has no text layer (a scan?)", "this
 * is not valid UTF-8 text".
 *
 * <p>Meant for the session layer, once a {@code DOCUMENT} attachment is in the {@link
 * AttachmentStore}: {@code read(stored.path(), attachment.mimeType(), attachment.fileName(),
 * config.get(MediaSettings.DOCUMENT_CHARS))}; a {@link Text}'s text becomes the turn attachment's
 * {@code text}, a {@link NoText}'s reason the user's one-line reply. Pass the platform's file
 * name (null when it had none), not a made-up one such as "an image": the extension is
 * evidence.
 *
 * <p>Reading is blocking file work (and for PDFs, some CPU; a fresh process's first PDF takes
 * about a second more while PDFBox's classes load): call it on the turn's virtual thread, not
 * on a platform's event loop. Thread-safe; it keeps no state. A budget of n characters reads
 * at most 3n + 10 bytes of a text file.
 */
public final class DocumentText {
  private DocumentText() {}

  /** What reading a document gave. */
  public sealed interface Outcome permits Text, NoText {}

  /**
   * The document's text, or its first {@code budget} characters and the note.
   *
   * @param cut the text ends with the note because the document had more
   */
  public record Text(String text, boolean cut) implements Outcome {}

  /** Why the document has no text to give, as a phrase: "this PDF is protected by a password". */
  public record NoText(String reason) implements Outcome {}

  /** The property PDFBox reads for the directory of its font cache. */
  static final String FONT_CACHE_PROPERTY = "pdfbox.fontcache";

  /**
   * Reads the text of the stored file at {@code path}.
   *
   * @param mimeType as the platform stated it, possibly {@code application/octet-stream},
   *     absent or wrong
   * @param fileName as the user's file was called, if known
   * @param budget most characters of document text to return, not counting the note
   * @throws IOException the file itself cannot be read (a problem of the store, not of the
   *     document)
   */
  public static Outcome read(
      Path path, @Nullable String mimeType, @Nullable String fileName, int budget)
      throws IOException {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be at least 1, got " + budget);
    }
    return switch (DocumentFormat.of(path, mimeType, fileName)) {
      case DocumentFormat.Other(String description) ->
        new NoText("this is " + description + "; only text files and PDFs can be read");
      case DocumentFormat.Text _ -> ofTextFile(path, budget);
      case DocumentFormat.Pdf _ -> ofPdf(path, budget);
    };
  }

  /**
   * Has PDFBox keep its cache of the system's fonts in {@code dir} instead of {@code
   * ~/.pdfbox.cache} (a service's home may not be writable, and then every process scans the
   * fonts again), unless {@code -Dpdfbox.fontcache} already says where. {@code dir} must exist.
   * Call it at start, before the first PDF arrives; it loads nothing of PDFBox.
   */
  public static void keepPdfFontCacheIn(Path dir) {
    if (System.getProperty(FONT_CACHE_PROPERTY) == null) {
      System.setProperty(FONT_CACHE_PROPERTY, dir.toAbsolutePath().toString());
    }
  }

  private static Outcome ofTextFile(Path path, int budget) throws IOException {
    return switch (TextFileText.read(path, budget)) {
      case TextFileText.NotText(String reason) -> new NoText(reason);
      case TextFileText.Decoded(TextFileText.Prefix p) -> {
        String text = p.text();
        if (p.complete()) {
          yield fitted(text, budget, "of " + count(text.length()) + " characters");
        }
        yield cut(text, budget, "characters of a " + count(p.fileBytes()) + "-byte file");
      }
    };
  }

  private static Outcome ofPdf(Path path, int budget) {
    return switch (PdfText.read(path, budget)) {
      case PdfText.NotText(String reason) -> new NoText(reason);
      case PdfText.Extracted e -> {
        if (e.complete()) {
          String text = e.text().stripTrailing();
          yield fitted(text, budget, "of " + count(text.length()) + " characters");
        }
        String kept = e.text().substring(0, TextCut.end(e.text(), budget));
        int last = e.lastPageWithin(kept.length());
        String pages = last == 1 ? "page 1" : "pages 1–" + last;
        yield withNote(kept, "characters, " + pages + " of " + e.pageCount());
      }
    };
  }

  /** The whole text when it fits, else its cut with a note on how much it had. */
  private static Text fitted(String text, int budget, String ofWhole) {
    return text.length() <= budget ? new Text(text, false) : cut(text, budget, ofWhole);
  }

  private static Text cut(String text, int budget, String ofWhole) {
    return withNote(text.substring(0, TextCut.end(text, budget)), ofWhole);
  }

  private static Text withNote(String kept, String ofWhole) {
    String newline = kept.endsWith("\n") ? "" : "\n";
    return new Text(
        kept + newline + "[… cut: showed " + count(kept.length()) + " " + ofWhole + "]", true);
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}

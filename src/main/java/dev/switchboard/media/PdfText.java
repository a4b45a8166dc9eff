package dev.switchboard.media;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The text layer of a PDF, read with Apache PDFBox page by page until the budget is full: a
 * 900-page manual costs the pages that fit, not 900 pages of parsing.
 *
 * <p>PDFBox reads the file through a small window rather than loading it, and the streams it
 * caches live in at most {@link #STREAM_CACHE_BYTES} of memory. The filters that unpack a
 * page's content still unpack it into the heap, so the size limit of the attachment store is
 * what bounds a hostile file.
 *
 * <p>Nothing of PDFBox is loaded before the first PDF: its font cache (a scan of the system's
 * fonts, kept in {@code ~/.pdfbox.cache} unless {@link DocumentText#keepPdfFontCacheIn} says
 * where) is built the first time a page names a font the PDF does not embed.
 */
final class PdfText {
  private PdfText() {}

  /** Memory for the streams PDFBox caches while reading; more fails the read, not the JVM. */
  static final long STREAM_CACHE_BYTES = 64L * 1024 * 1024;

  /** The text read, up to the page where the budget filled. */
  sealed interface Read {}

  /**
   * @param text at most one page beyond the budget
   * @param complete every page was read
   * @param pageStarts where in {@code text} each page read begins, in page order
   */
  record Extracted(String text, boolean complete, List<PageStart> pageStarts, int pageCount)
      implements Read {
    Extracted {
      pageStarts = List.copyOf(pageStarts);
    }

    /** The number of the last page with text among the first {@code length} chars. */
    int lastPageWithin(int length) {
      int last = 0;
      for (PageStart start : pageStarts) {
        if (start.offset() < length) {
          last = start.page();
        }
      }
      return last;
    }
  }

  /** Page {@code page} (1-based) begins at {@code offset} of the text. */
  record PageStart(int page, int offset) {}

  record NotText(String reason) implements Read {}

  static final String NO_TEXT_LAYER = "this PDF has no text layer (a scan?)";
  static final String PASSWORD = "this PDF is protected by a password";
  static final String DAMAGED = "this is not a PDF I can read (damaged, or not a PDF at all)";

  static Read read(Path path, int budget) {
    PDDocument document;
    try {
      document = Loader.loadPDF(
          path.toFile(),
          "",
          MemoryUsageSetting.setupMainMemoryOnly(STREAM_CACHE_BYTES).streamCache);
    } catch (InvalidPasswordException e) {
      return new NotText(PASSWORD);
    } catch (IOException | RuntimeException e) {
      // PDFBox reports a broken file with whatever its parser tripped over, checked or not.
      return new NotText(DAMAGED);
    }
    try (document) {
      int pageCount = document.getNumberOfPages();
      BudgetedStripper stripper = new BudgetedStripper(budget);
      StringWriter out = new StringWriter();
      stripper.writeText(document, out);
      String text = out.toString();
      if (text.isBlank()) {
        return new NotText(pageCount == 0 ? "this PDF has no pages" : NO_TEXT_LAYER);
      }
      boolean complete = !stripper.full(out) || stripper.lastPageRead() >= pageCount;
      return new Extracted(text, complete, stripper.pageStarts(), pageCount);
    } catch (IOException | RuntimeException e) {
      return new NotText(DAMAGED);
    }
  }

  /** Stops taking pages once more than the budget is written; the rest are skipped unparsed. */
  private static final class BudgetedStripper extends PDFTextStripper {
    private final int budget;
    private final List<PageStart> pageStarts = new ArrayList<>();

    BudgetedStripper(int budget) {
      this.budget = budget;
      setLineSeparator("\n");
      setPageEnd("\n\n");
    }

    boolean full(StringWriter out) {
      return out.getBuffer().length() > budget;
    }

    List<PageStart> pageStarts() {
      return pageStarts;
    }

    int lastPageRead() {
      return pageStarts.isEmpty() ? 0 : pageStarts.getLast().page();
    }

    @Override
    public void processPage(PDPage page) throws IOException {
      if (!(output instanceof StringWriter out) || full(out)) {
        return;
      }
      pageStarts.add(new PageStart(getCurrentPageNo(), out.getBuffer().length()));
      super.processPage(page);
    }
  }
}

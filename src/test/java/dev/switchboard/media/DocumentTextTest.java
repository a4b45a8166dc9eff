package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.media.DocumentText.NoText;
import dev.switchboard.media.DocumentText.Outcome;
import dev.switchboard.media.DocumentText.Text;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentTextTest {
  private static final int BUDGET = 20_000;

  @TempDir
  Path dir;

  @BeforeAll
  static void fontCacheInTheBuildDirectory() {
    // PDFBox scans the system's fonts on the first non-embedded font; not into ~/.pdfbox.cache.
    DocumentText.keepPdfFontCacheIn(Path.of("target"));
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path path = dir.resolve(name);
    Files.write(path, bytes);
    return path;
  }

  private Path file(String name, String text) throws IOException {
    return file(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Text.class);
    return ((Text) outcome).text();
  }

  private static String reason(Outcome outcome) {
    assertThat(outcome).isInstanceOf(NoText.class);
    return ((NoText) outcome).reason();
  }

  @Nested
  class TextFiles {
    @Test
    void plainUtf8TextComesBackWhole() throws IOException {
      String body = "Grüße aus Köln — 日本語 and an emoji 🎉\nsecond line\n";
      Path path = file("notes.txt", body);

      Outcome outcome = DocumentText.read(path, "text/plain; charset=utf-8", "notes.txt", BUDGET);

      assertThat(outcome).isEqualTo(new Text(body, false));
    }

    @Test
    void markdownByItsMimeType() throws IOException {
      String body = "# Plan\n\n- **first** step\n- `second` step\n";
      Path path = file("stored-1", body);

      assertThat(text(DocumentText.read(path, "text/markdown", "plan.md", BUDGET)))
          .isEqualTo(body);
    }

    @Test
    void csvByItsExtensionWhenThePlatformSaysOctetStream() throws IOException {
      String body = "name,amount\nrent,1200\nfood,340\n";
      Path path = file("stored-2", body);

      assertThat(text(DocumentText.read(path, "application/octet-stream", "budget.CSV", BUDGET)))
          .isEqualTo(body);
    }

    @Test
    void jsonByItsMimeType() throws IOException {
      String body = "{\"items\": [1, 2, 3], \"ok\": true}";
      Path path = file("stored-3", body);

      assertThat(text(DocumentText.read(path, "application/json", "data.json", BUDGET)))
          .isEqualTo(body);
    }

    @Test
    void sourceCodeAndNamedFilesWithoutAnyMimeType() throws IOException {
      Path py = file("a", "def main():\n    print('hi')\n");
      Path makefile = file("b", "all:\n\tcc -o app app.c\n");

      assertThat(text(DocumentText.read(py, null, "tool.py", BUDGET))).contains("print('hi')");
      assertThat(text(DocumentText.read(makefile, "", "Makefile", BUDGET))).contains("cc -o");
    }

    @Test
    void utf16WithAByteOrderMarkIsDecoded() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write(new byte[] {(byte) 0xff, (byte) 0xfe});
      bytes.write("Notepad wrote this\r\n".getBytes(StandardCharsets.UTF_16LE));
      Path path = file("win.txt", bytes.toByteArray());

      assertThat(text(DocumentText.read(path, "text/plain", "win.txt", BUDGET)))
          .isEqualTo("Notepad wrote this\r\n");
    }

    @Test
    void binaryContentNamedTxtIsRefused() throws IOException {
      byte[] bytes = new byte[4096];
      new Random(7).nextBytes(bytes);
      bytes[100] = 0;
      Path path = file("secret.txt", bytes);

      assertThat(reason(DocumentText.read(path, "text/plain", "secret.txt", BUDGET)))
          .isEqualTo("this is binary data, not text");
    }

    @Test
    void aKnownBinaryFormatIsNamedWhateverTheClaim() throws IOException {
      byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
      Path path = file("notes.txt", png);

      assertThat(reason(DocumentText.read(path, "text/plain", "notes.txt", BUDGET)))
          .isEqualTo("this is a PNG image; only text files and PDFs can be read");
    }

    @Test
    void invalidUtf8IsRefused() throws IOException {
      Path path =
          file("latin1.txt", "Grüße aus Köln, schöne Tage".getBytes(StandardCharsets.ISO_8859_1));

      assertThat(reason(DocumentText.read(path, "text/plain", "latin1.txt", BUDGET)))
          .isEqualTo("this is not valid UTF-8 text");
    }

    @Test
    void aStrayInvalidByteInALongTextIsForgiven() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.write("log line\n".repeat(300).getBytes(StandardCharsets.UTF_8));
      bytes.write(0xff);
      bytes.write("after\n".getBytes(StandardCharsets.UTF_8));
      Path path = file("app.log", bytes.toByteArray());

      assertThat(text(DocumentText.read(path, "application/octet-stream", "app.log", BUDGET)))
          .endsWith("log line\n\uFFFDafter\n");
    }

    @Test
    void anEmptyFileHasNoText() throws IOException {
      Path path = file("empty.txt", new byte[0]);

      assertThat(reason(DocumentText.read(path, "text/plain", "empty.txt", BUDGET)))
          .isEqualTo("the file is empty");
    }

    @Test
    void aLongTextIsCutAtALineBreakWithANoteOfTheWhole() throws IOException {
      // 30 lines of 1,000 chars: the cut falls after line 12.
      String line = "x".repeat(999) + "\n";
      String body = line.repeat(30);
      Path path = file("big.txt", body);

      Text text = (Text) DocumentText.read(path, "text/plain", "big.txt", 12_500);

      assertThat(text.cut()).isTrue();
      assertThat(text.text())
          .isEqualTo(line.repeat(12) + "[… cut: showed 12,000 of 30,000 characters]");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() throws IOException {
      String body = "🎉".repeat(40); // no spaces or line breaks to cut at
      Path path = file("party.txt", body);

      String text = text(DocumentText.read(path, "text/plain", "party.txt", 51));

      assertThat(text).isEqualTo("🎉".repeat(25) + "\n[… cut: showed 50 of 80 characters]");
    }

    @Test
    void ofAHugeFileOnlyThePrefixTheBudgetNeedsIsRead() throws IOException {
      // The tail would be refused as binary if it were read.
      Path path = dir.resolve("huge.log");
      try (OutputStream out = Files.newOutputStream(path)) {
        out.write("a line of the log\n".repeat(1000).getBytes(StandardCharsets.UTF_8));
        out.write(new byte[1_000_000]);
      }

      Text text = (Text) DocumentText.read(path, "text/plain", "huge.log", 1000);

      assertThat(text.cut()).isTrue();
      assertThat(text.text())
          .startsWith("a line of the log\n")
          .endsWith("\n[… cut: showed 990 characters of a 1,018,000-byte file]");
    }

    @Test
    void aZipNamedDocxIsCalledAWordDocument() throws IOException {
      ByteArrayOutputStream zip = new ByteArrayOutputStream();
      try (ZipOutputStream out = new ZipOutputStream(zip)) {
        out.putNextEntry(new ZipEntry("word/document.xml"));
        out.write("<w:document/>".getBytes(StandardCharsets.UTF_8));
      }
      Path docx = file("stored-4", zip.toByteArray());
      Path archive = file("stored-5", zip.toByteArray());

      assertThat(reason(DocumentText.read(docx, "application/octet-stream", "cv.docx", BUDGET)))
          .isEqualTo("this is a Word document; only text files and PDFs can be read");
      assertThat(reason(DocumentText.read(archive, "text/plain", "stuff", BUDGET)))
          .isEqualTo("this is a ZIP archive; only text files and PDFs can be read");
    }

    @Test
    void aSpecificTypeThatIsNotTextIsNamed() throws IOException {
      Path path = file("stored-6", "not really audio");

      assertThat(reason(DocumentText.read(path, "audio/mpeg", "song.mp3", BUDGET)))
          .isEqualTo("this is an audio file; only text files and PDFs can be read");
    }

    @Test
    void aMissingFileIsTheCallersProblemNotTheDocuments() {
      assertThatThrownBy(() -> DocumentText.read(dir.resolve("gone"), "text/plain", "a.txt", 10))
          .isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> DocumentText.read(dir, "text/plain", "a.txt", 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Pdfs {
    private static final PDType1Font HELVETICA =
        new PDType1Font(Standard14Fonts.FontName.HELVETICA);

    /** A PDF with one page per entry, each line of it written in Helvetica. */
    private Path pdf(String name, List<List<String>> pages) throws IOException {
      Path path = dir.resolve(name);
      try (PDDocument doc = new PDDocument()) {
        for (List<String> lines : pages) {
          PDPage page = new PDPage();
          doc.addPage(page);
          try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
            content.beginText();
            content.setFont(HELVETICA, 12);
            content.setLeading(14);
            content.newLineAtOffset(72, 720);
            for (String line : lines) {
              content.showText(line);
              content.newLine();
            }
            content.endText();
          }
        }
        doc.save(path.toFile());
      }
      return path;
    }

    @Test
    void theTextOfEveryPageInOrder() throws IOException {
      Path path = pdf(
          "report.pdf",
          List.of(
              List.of("Quarterly report", "Revenue rose by 12 percent."),
              List.of("Second page", "Costs fell.")));

      Text text = (Text) DocumentText.read(path, "application/pdf", "report.pdf", BUDGET);

      assertThat(text.cut()).isFalse();
      assertThat(text.text())
          .isEqualTo("Quarterly report\nRevenue rose by 12 percent.\n\nSecond page\nCosts fell.");
    }

    @Test
    void aPdfSentAsOctetStreamIsKnownByItsFirstBytes() throws IOException {
      Path path = pdf("stored-7", List.of(List.of("Hello from a PDF")));

      assertThat(text(DocumentText.read(path, "application/octet-stream", "scan", BUDGET)))
          .contains("Hello from a PDF");
    }

    @Test
    void pagesStopBeingReadOnceTheBudgetIsFull() throws IOException {
      List<String> lines = List.of("The quick brown fox jumps over the lazy dog, again and again.");
      Path path = pdf("book.pdf", Collections.nCopies(50, lines));

      Text text = (Text) DocumentText.read(path, "application/pdf", "book.pdf", 200);

      assertThat(text.cut()).isTrue();
      assertThat(text.text())
          .startsWith(lines.getFirst() + "\n\n" + lines.getFirst())
          .endsWith("\n[… cut: showed 189 characters, pages 1–3 of 50]");
    }

    @Test
    void aPdfOfOnlyAnImageHasNoTextLayer() throws IOException {
      Path path = dir.resolve("scan.pdf");
      try (PDDocument doc = new PDDocument()) {
        PDPage page = new PDPage();
        doc.addPage(page);
        PDImageXObject image = LosslessFactory.createFromImage(
            doc, new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB));
        try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
          content.drawImage(image, 72, 600);
        }
        doc.addPage(new PDPage());
        doc.save(path.toFile());
      }

      assertThat(reason(DocumentText.read(path, "application/pdf", "scan.pdf", BUDGET)))
          .isEqualTo("this PDF has no text layer (a scan?)");
    }

    @Test
    void aPdfOfEmptyPagesHasNoTextLayer() throws IOException {
      Path path = dir.resolve("blank.pdf");
      try (PDDocument doc = new PDDocument()) {
        doc.addPage(new PDPage());
        doc.addPage(new PDPage());
        doc.save(path.toFile());
      }

      assertThat(reason(DocumentText.read(path, "application/pdf", "blank.pdf", BUDGET)))
          .isEqualTo("this PDF has no text layer (a scan?)");
    }

    @Test
    void garbageThatClaimsToBeAPdfGetsAClearReason() throws IOException {
      byte[] noise = new byte[20_000];
      new Random(3).nextBytes(noise);
      Path headed =
          file("headed.pdf", concat("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), noise));
      Path bare = file("bare.pdf", noise);
      Path text = file("text.pdf", "this was never a PDF\n");

      for (Path path : List.of(headed, bare, text)) {
        assertThat(reason(
                DocumentText.read(path, "application/pdf", path.getFileName().toString(), BUDGET)))
            .as(path.getFileName().toString())
            .isEqualTo("this is not a PDF I can read (damaged, or not a PDF at all)");
      }
    }

    @Test
    void aPdfWithAUserPasswordGetsAClearReason() throws IOException {
      Path path = pdf("locked.pdf", List.of(List.of("Top secret")));
      protect(path, "owner-pass", "user-pass");

      assertThat(reason(DocumentText.read(path, "application/pdf", "locked.pdf", BUDGET)))
          .isEqualTo("this PDF is protected by a password");
    }

    @Test
    void aPdfWithOnlyAnOwnerPasswordOpensWithoutOne() throws IOException {
      Path path = pdf("restricted.pdf", List.of(List.of("Readable by anyone")));
      protect(path, "owner-pass", "");

      assertThat(text(DocumentText.read(path, "application/pdf", "restricted.pdf", BUDGET)))
          .contains("Readable by anyone");
    }

    private static void protect(Path path, String ownerPassword, String userPassword)
        throws IOException {
      try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(path))) {
        StandardProtectionPolicy policy =
            new StandardProtectionPolicy(ownerPassword, userPassword, new AccessPermission());
        policy.setEncryptionKeyLength(256);
        doc.protect(policy);
        doc.save(path.toFile());
      }
    }

    private static byte[] concat(byte[] a, byte[] b) {
      byte[] both = new byte[a.length + b.length];
      System.arraycopy(a, 0, both, 0, a.length);
      System.arraycopy(b, 0, both, a.length, b.length);
      return both;
    }
  }
}

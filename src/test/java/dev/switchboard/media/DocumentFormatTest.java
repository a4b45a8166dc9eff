package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.DocumentFormat.Other;
import dev.switchboard.media.DocumentFormat.Pdf;
import dev.switchboard.media.DocumentFormat.Text;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DocumentFormatTest {
  private static final byte[] PLAIN = "hello".getBytes(StandardCharsets.US_ASCII);

  @Test
  void textLikeMimeTypesWithParametersAndInAnyCase() {
    assertThat(DocumentFormat.of(PLAIN, "Text/Plain; charset=UTF-8", null)).isEqualTo(new Text());
    assertThat(DocumentFormat.of(PLAIN, "application/vnd.api+json", "x")).isEqualTo(new Text());
    assertThat(DocumentFormat.of(PLAIN, "application/x-yaml", "x")).isEqualTo(new Text());
    assertThat(DocumentFormat.of(PLAIN, "text/html", "page.html")).isEqualTo(new Text());
  }

  @Test
  void aGenericMimeTypeDefersToTheNameAndThenToTheBytes() {
    for (String name : new String[] {"main.rs", "Dockerfile", "README", ".env", "dir/app.KT"}) {
      assertThat(DocumentFormat.of(PLAIN, "application/octet-stream", name))
          .as(name)
          .isEqualTo(new Text());
    }
    assertThat(DocumentFormat.of(PLAIN, null, "no-extension-at-all")).isEqualTo(new Text());
  }

  @Test
  void aSpecificTypeThatIsNotTextIsNamedByItsMimeTypeOrExtension() {
    assertThat(DocumentFormat.of(PLAIN, "image/jpeg", "cat.jpg")).isEqualTo(new Other("an image"));
    assertThat(DocumentFormat.of(PLAIN, "application/vnd.ms-excel", "q3.xls"))
        .isEqualTo(new Other("an Excel spreadsheet"));
    assertThat(DocumentFormat.of(PLAIN, "application/x-thing", "a.bin"))
        .isEqualTo(new Other("a file of type application/x-thing"));
  }

  @Test
  void theFirstBytesOutrankTheClaims() {
    byte[] pdf = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0};

    assertThat(DocumentFormat.of(pdf, "text/plain", "notes.txt")).isEqualTo(new Pdf());
    assertThat(DocumentFormat.of(gzip, "text/plain", "notes.txt"))
        .isEqualTo(new Other("a gzip archive"));
    assertThat(DocumentFormat.of(PLAIN, "application/pdf", "x")).isEqualTo(new Pdf());
  }

  @Test
  void extensionsAreTakenFromTheLastDotOfTheBaseName() {
    assertThat(DocumentFormat.Names.extension("backup.tar.gz")).isEqualTo("gz");
    assertThat(DocumentFormat.Names.extension("my.dir/README")).isEmpty();
    assertThat(DocumentFormat.Names.extension(".bashrc")).isEmpty();
  }
}

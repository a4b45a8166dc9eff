package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.platform.AttachmentKind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutgoingFilesTest {
  @TempDir
  Path home;

  @TempDir
  Path outside;

  private OutgoingFiles files(MediaSettings settings) {
    return new OutgoingFiles(AttachmentStore.in(home), settings);
  }

  private static MediaSettings withDir(Path dir) {
    return new MediaSettings(1024, 1 << 20, dir, false);
  }

  @Test
  void anInlineImageIsDecodedIntoTheStore() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    OutgoingFiles.Outcome o = files(MediaSettings.DEFAULTS)
        .resolve(new ReplyFiles.DataUrl(
            "data:image/png;base64," + Base64.getEncoder().encodeToString(png)));

    assertThat(o).isInstanceOfSatisfying(OutgoingFiles.Ready.class, r -> {
      assertThat(r.kind()).isEqualTo(AttachmentKind.IMAGE);
      assertThat(r.mimeType()).isEqualTo("image/png");
      assertThat(r.fileName()).isEqualTo("file.png");
      assertThat(r.file().path()).hasBinaryContent(png);
    });
  }

  @Test
  void aFileBroughtToSendKeepsItsDeclaredTypeOrOneGuessedFromItsName() throws Exception {
    OutgoingFiles f = files(withDir(outside));
    byte[] bytes = "%PDF-1.7".getBytes(StandardCharsets.US_ASCII);

    OutgoingFiles.Ready declared =
        f.keep("report", "application/pdf; charset=binary", new ByteArrayInputStream(bytes));
    OutgoingFiles.Ready unknown =
        f.keep("chart.PNG", "application/octet-stream", new ByteArrayInputStream(bytes));
    OutgoingFiles.Ready none = f.keep("notes.bin", null, new ByteArrayInputStream(bytes));

    assertThat(declared.mimeType()).isEqualTo("application/pdf");
    assertThat(declared.kind()).isEqualTo(AttachmentKind.DOCUMENT);
    assertThat(declared.fileName()).isEqualTo("report");
    assertThat(declared.file().path()).hasBinaryContent(bytes);
    assertThat(unknown.mimeType()).isEqualTo("image/png");
    assertThat(unknown.kind()).isEqualTo(AttachmentKind.IMAGE);
    assertThat(none.mimeType()).isEqualTo("application/octet-stream");
    assertThatThrownBy(() -> f.keep("big", null, new ByteArrayInputStream(new byte[1025])))
        .isInstanceOf(AttachmentStore.TooLargeException.class);
  }

  @Test
  void badOrOversizedInlineDataIsRefusedWithAReason() throws Exception {
    OutgoingFiles small = files(withDir(outside));
    assertThat(small.resolve(new ReplyFiles.DataUrl("data:image/png,rawbytes")))
        .isEqualTo(new OutgoingFiles.Refused("only base64 data: URLs can be sent"));
    assertThat(small.resolve(new ReplyFiles.DataUrl("data:image/png;base64,%%%%")))
        .isEqualTo(new OutgoingFiles.Refused("its data: URL is not valid base64"));
    String big = Base64.getEncoder().encodeToString(new byte[4096]);
    assertThat(small.resolve(new ReplyFiles.DataUrl("data:text/plain;base64," + big)))
        .isEqualTo(new OutgoingFiles.Refused("it is larger than the 0 MB this gateway sends"));
  }

  @Test
  void webAddressesMustBeHttpsAndPublic() throws Exception {
    OutgoingFiles f = files(MediaSettings.DEFAULTS);
    assertThat(f.resolve(new ReplyFiles.WebAddress("https://127.0.0.1/secret.png")))
        .isInstanceOfSatisfying(
            OutgoingFiles.Refused.class,
            r -> assertThat(r.why()).startsWith("its address is on a private network"));
    assertThat(f.resolve(new ReplyFiles.WebAddress("https://10.1.2.3/x.png")))
        .isInstanceOf(OutgoingFiles.Refused.class);
    assertThat(f.resolve(new ReplyFiles.WebAddress("https://[::1]/x.png")))
        .isInstanceOf(OutgoingFiles.Refused.class);
    assertThat(f.resolve(new ReplyFiles.WebAddress("https://169.254.169.254/latest/meta-data")))
        .isInstanceOf(OutgoingFiles.Refused.class);
    assertThat(f.resolve(new ReplyFiles.WebAddress("https://exa mple.com/x.png")))
        .isEqualTo(new OutgoingFiles.Refused("its address is not a valid URL"));
  }

  @Test
  void aLocalFileIsSentOnlyFromInsideTheFolderEvenThroughALink() throws Exception {
    Path dir = Files.createDirectories(home.resolve("out"));
    Files.writeString(dir.resolve("report.csv"), "a,b", StandardCharsets.UTF_8);
    Files.writeString(outside.resolve("secret.txt"), "token", StandardCharsets.UTF_8);
    Files.createSymbolicLink(dir.resolve("link.txt"), outside.resolve("secret.txt"));
    OutgoingFiles f = files(withDir(dir));

    assertThat(f.resolve(new ReplyFiles.LocalPath("report.csv")))
        .isInstanceOfSatisfying(OutgoingFiles.Ready.class, r -> {
          assertThat(r.fileName()).isEqualTo("report.csv");
          assertThat(r.kind()).isEqualTo(AttachmentKind.DOCUMENT);
        });
    assertThat(f.resolve(new ReplyFiles.LocalPath(dir.resolve("report.csv").toString())))
        .isInstanceOf(OutgoingFiles.Ready.class);
    OutgoingFiles.Refused outsideTheFolder =
        new OutgoingFiles.Refused("it is outside the folder replies may send from");
    assertThat(f.resolve(new ReplyFiles.LocalPath("link.txt"))).isEqualTo(outsideTheFolder);
    assertThat(f.resolve(new ReplyFiles.LocalPath("../../" + outside.getFileName())))
        .isIn(outsideTheFolder, new OutgoingFiles.Refused("there is no such file in " + dir));
    assertThat(f.resolve(new ReplyFiles.LocalPath(outside.resolve("secret.txt").toString())))
        .isEqualTo(outsideTheFolder);
    assertThat(f.resolve(new ReplyFiles.LocalPath("missing.txt")))
        .isEqualTo(new OutgoingFiles.Refused("there is no such file in " + dir));
    assertThat(files(MediaSettings.DEFAULTS).resolve(new ReplyFiles.LocalPath("report.csv")))
        .isEqualTo(
            new OutgoingFiles.Refused("sending local files is off (set media.outbound_dir)"));
  }
}

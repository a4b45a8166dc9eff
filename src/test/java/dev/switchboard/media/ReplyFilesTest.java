package dev.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.ReplyFiles.DataUrl;
import dev.switchboard.media.ReplyFiles.LocalPath;
import dev.switchboard.media.ReplyFiles.Wanted;
import dev.switchboard.media.ReplyFiles.WebAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ReplyFilesTest {
  @Test
  void markdownImagesWithDataOrHttpsAddressesAndMediaLinesAreFilesInTheirOrder() {
    ReplyFiles.Split s = ReplyFiles.split("""
        Here is the chart:
        ![Sales in 2026](https://example.com/c/chart.png?x=1 "title")
        and the raw data
        MEDIA: /srv/agent/out/data.csv
        ![](data:image/png;base64,iVBORw0KGgo=) done.""");

    assertThat(s.files())
        .containsExactly(
            new Wanted(new WebAddress("https://example.com/c/chart.png?x=1"), "Sales in 2026"),
            new Wanted(new LocalPath("/srv/agent/out/data.csv"), ""),
            new Wanted(new DataUrl("data:image/png;base64,iVBORw0KGgo="), ""));
    assertThat(s.text()).isEqualTo("Here is the chart:\nand the raw data\n done.");
    assertThat(s.files().get(0).source().label()).isEqualTo("chart.png");
    assertThat(s.files().get(2).source().label()).isEqualTo("an inline image/png");
  }

  @Test
  void plainHttpImagesLinksAndAnythingInACodeBlockStayText() {
    String reply = """
        ![insecure](http://example.com/a.png) and [a link](https://example.com/b.png)
        ```markdown
        ![example](https://example.com/c.png)
        MEDIA: /etc/passwd
        ```
        ~~~
        MEDIA: /etc/shadow
        ~~~""";

    ReplyFiles.Split s = ReplyFiles.split(reply);

    assertThat(s.files()).isEmpty();
    assertThat(s.text()).isEqualTo(reply);
  }

  @Test
  void aReplyOfOnlyAFileHasNoText() {
    ReplyFiles.Split s = ReplyFiles.split("![photo](https://example.com/p.jpg)\n");
    assertThat(s.text()).isEmpty();
    assertThat(s.files()).hasSize(1);
  }

  @Test
  void thePreviewOfAReplyStillBeingWrittenShowsNoAddressEvenAHalfWrittenOne() {
    assertThat(ReplyFiles.forPreview("Look:\n![cat](data:image/png;base64,iVBORw0KGgoAAAA"))
        .isEqualTo("Look:");
    assertThat(ReplyFiles.forPreview("Look:\n![cat](data:image/png;base64,AAAA) nice"))
        .isEqualTo("Look:\n nice");
  }

  @Test
  void theTranscriptKeepsALineForEachFileInsteadOfItsAddress() {
    assertThat(ReplyFiles.forTranscript(
            "Here:\n![chart](data:image/png;base64,AAAA)\nMEDIA: out/a.csv\nbye"))
        .isEqualTo("Here:\nbye\n[sent: chart]\n[sent: out/a.csv]");
    assertThat(ReplyFiles.forTranscript("no files")).isEqualTo("no files");
  }

  @Property
  void textWithoutImagesOrMediaLinesComesBackAsItWas(
      @ForAll @StringLength(max = 200) @CharRange(from = ' ', to = '~') String line) {
    String text = line.replace("![", "[").replace("MEDIA:", "MEDIA").strip();
    ReplyFiles.Split s = ReplyFiles.split(text);
    assertThat(s.files()).isEmpty();
    assertThat(s.text()).isEqualTo(text);
  }
}

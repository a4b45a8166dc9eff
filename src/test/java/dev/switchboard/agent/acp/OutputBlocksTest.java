package dev.switchboard.agent.acp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.media.ReplyFiles;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class OutputBlocksTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static Optional<String> of(String json) {
    JsonNode node = JSON.readTree(json);
    return OutputBlocks.markdown(node);
  }

  private static ReplyFiles.Wanted onlyFile(String json) {
    String markdown = of(json).orElseThrow();
    ReplyFiles.Split split = ReplyFiles.split("Here:" + markdown + "done");
    assertThat(split.text()).isEqualTo("Here:\ndone");
    assertThat(split.files()).hasSize(1);
    return split.files().getFirst();
  }

  @Test
  void anImageBlockIsSentAsAnInlineImage() {
    assertThat(onlyFile("{\"type\":\"image\",\"mimeType\":\"image/png\",\"data\":\"iVBORw0=\"}"))
        .isEqualTo(
            new ReplyFiles.Wanted(new ReplyFiles.DataUrl("data:image/png;base64,iVBORw0="), ""));
  }

  @Test
  void anEmbeddedResourceIsSentAsAFileNamedAfterItsUri() {
    assertThat(onlyFile("""
            {"type":"resource","resource":{"uri":"file:///w/out/report.csv",
             "mimeType":"text/csv","text":"a,b\\n1,2"}}"""))
        .isEqualTo(new ReplyFiles.Wanted(
            new ReplyFiles.DataUrl("data:text/csv;base64,YSxiCjEsMg=="), "report.csv"));
    assertThat(onlyFile("""
            {"type":"resource","resource":{"uri":"file:///w/a.pdf",
             "mimeType":"application/pdf","blob":"JVBERi0="}}""").source())
        .isEqualTo(new ReplyFiles.DataUrl("data:application/pdf;base64,JVBERi0="));
  }

  @Test
  void resourceLinksBecomeWebImagesOrMediaLines() {
    assertThat(onlyFile("""
            {"type":"resource_link","uri":"https://example.com/p.png","name":"plot [v2]"}"""))
        .isEqualTo(new ReplyFiles.Wanted(
            new ReplyFiles.WebAddress("https://example.com/p.png"), "plot  v2"));
    assertThat(onlyFile("""
            {"type":"resource_link","uri":"file:///srv/work/out/chart%20a.svg","name":"c"}""").source())
        .isEqualTo(new ReplyFiles.LocalPath("/srv/work/out/chart a.svg"));
  }

  @Test
  void blocksWithoutAFileAddNothing() {
    assertThat(of("{\"type\":\"audio\",\"mimeType\":\"audio/wav\",\"data\":\"\"}"))
        .isEmpty();
    assertThat(of("{\"type\":\"image\",\"mimeType\":\"not a type\",\"data\":\"AAAA\"}"))
        .isEmpty();
    assertThat(of("{\"type\":\"resource_link\",\"uri\":\"http://example.com/x.png\"}"))
        .isEmpty();
    assertThat(of("{\"type\":\"resource\",\"resource\":{\"uri\":\"file:///x\"}}"))
        .isEmpty();
  }
}

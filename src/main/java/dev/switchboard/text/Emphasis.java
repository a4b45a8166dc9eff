package dev.switchboard.text;

import dev.switchboard.text.MarkupWriter.Tag;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How one markup writes bold, italic and strikethrough. Every markup nests them in this order,
 * inside a link, so that moving between spans closes only what differs.
 */
public record Emphasis(Tag bold, Tag italic, Tag strike) {
  /**
   * The tags of a plain-text markup (Slack's, Discord's, WhatsApp's), which writes code and
   * preformatted text whole in its {@code text} and so tags neither: none for those, else the
   * link's ({@code link} of its address) and then the emphasis, in the fixed order.
   */
  public List<Tag> around(Format format, Function<String, Tag> link) {
    List<Tag> tags = new ArrayList<>(4);
    if (format.pre() != null || format.code()) {
      return tags;
    }
    if (format.href() != null) {
      tags.add(link.apply(format.href()));
    }
    addTo(tags, format);
    return tags;
  }

  /** Adds the tags {@code format} asks for, in the fixed order. */
  public void addTo(List<Tag> tags, Format format) {
    if (format.bold()) {
      tags.add(bold);
    }
    if (format.italic()) {
      tags.add(italic);
    }
    if (format.strike()) {
      tags.add(strike);
    }
  }
}

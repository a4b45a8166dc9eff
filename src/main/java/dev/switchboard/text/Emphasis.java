package dev.switchboard.text;

import dev.switchboard.text.MarkupWriter.Tag;
import java.util.List;

/**
 * How one markup writes bold, italic and strikethrough. Every markup nests them in this order,
 * inside a link, so that moving between spans closes only what differs.
 */
public record Emphasis(Tag bold, Tag italic, Tag strike) {
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

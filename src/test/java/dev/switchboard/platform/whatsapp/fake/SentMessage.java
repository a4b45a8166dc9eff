package dev.switchboard.platform.whatsapp.fake;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A message the business sent through the fake, as the user's phone would show it.
 *
 * @param id the wamid the fake answered with
 * @param type text, image, audio, video, document, sticker or template
 * @param text the text's body, a media message's caption, a template's name; "" for none
 * @param quoted the wamid in {@code context.message_id}, or null
 * @param mediaId a media message's {@code id}, or null
 * @param request the whole request body
 */
public record SentMessage(
    String id,
    String to,
    String type,
    String text,
    @Nullable String quoted,
    @Nullable String mediaId,
    JsonNode request) {}

package dev.switchboard.platform.whatsapp.fake;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One request the fake Graph API received.
 *
 * @param method GET or POST
 * @param path the path without the version: "106540352242922/messages", "1234567890" (a media
 *     id), "media-download/1234567890"
 * @param body the JSON body, or the multipart fields (files as their size) as an object; an
 *     empty object for a GET
 * @param authorization the Authorization header as sent, or "" without one
 * @param httpStatus the status answered
 * @param files the bytes of the multipart files by field name
 */
public record GraphCall(
    String method,
    String path,
    JsonNode body,
    String authorization,
    Instant arrivedAt,
    int httpStatus,
    Map<String, byte[]> files) {
  public GraphCall {
    files = Map.copyOf(files);
  }
}

package dev.switchboard.platform.telegram.fake;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * One request the fake received.
 *
 * @param method the method name as Telegram spells it (e.g. "sendMessage")
 * @param params every parameter, from the query string and the body
 * @param httpStatus the status answered; 0 while in flight, or when the connection was dropped
 */
public record Call(String method, JsonNode params, Instant arrivedAt, int httpStatus) {}

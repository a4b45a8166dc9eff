package dev.switchboard.common;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper configuration shared by the files Switchboard keeps on disk: snake_case
 * names (other tools read {@code gateway_state.json}), ISO-8601 instants, unknown fields
 * ignored so an older binary can read a newer file.
 */
public final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .build();

  private Json() {}

  public static JsonMapper mapper() {
    return MAPPER;
  }
}

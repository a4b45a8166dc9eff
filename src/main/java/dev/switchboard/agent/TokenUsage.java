package dev.switchboard.agent;

/** Tokens a turn consumed, as the backend reported them. */
public record TokenUsage(long input, long output) {
  public static final TokenUsage NONE = new TokenUsage(0, 0);

  public TokenUsage {
    if (input < 0 || output < 0) {
      throw new IllegalArgumentException("token counts cannot be negative");
    }
  }

  public TokenUsage plus(TokenUsage other) {
    return new TokenUsage(input + other.input, output + other.output);
  }
}

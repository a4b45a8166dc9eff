package dev.switchboard.agent;

/**
 * What a finished turn produced.
 *
 * @param text the whole reply
 */
public record TurnResult(String text) {}

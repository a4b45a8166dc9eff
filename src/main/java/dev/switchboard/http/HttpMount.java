package dev.switchboard.http;

/**
 * Something that serves pages or an API on the gateway's one HTTP server (the web chat, the
 * OpenAI-compatible API). The gateway mounts it before the server starts; until the platform
 * is connected its handlers answer 503 themselves.
 */
public interface HttpMount {
  void mount(HttpServer server);
}

package dev.switchboard.platform.whatsapp;

import dev.switchboard.platform.InboundMessage;
import java.util.List;

/**
 * What one webhook delivery held for us: users' messages, and status updates of messages we
 * sent. A delivery may batch several of either.
 */
record Notification(List<InboundMessage> messages, List<Status> statuses) {
  Notification {
    messages = List.copyOf(messages);
    statuses = List.copyOf(statuses);
  }

  /**
   * A status update of a message we sent: {@code sent}, {@code delivered}, {@code read} or
   * {@code failed} (then with Meta's errors).
   *
   * @param messageId the wamid our send was answered with
   * @param recipientId the wa_id it went to
   */
  record Status(String messageId, String status, String recipientId, List<StatusError> errors) {
    Status {
      errors = List.copyOf(errors);
    }

    boolean failed() {
      return "failed".equals(status);
    }
  }

  /** One of a failed status's errors, as Meta gives it: no secrets, no message text. */
  record StatusError(int code, String title, String details) {
    @Override
    public String toString() {
      return code + " " + title + (details.isEmpty() ? "" : " (" + details + ")");
    }
  }
}

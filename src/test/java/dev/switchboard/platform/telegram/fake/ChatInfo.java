package dev.switchboard.platform.telegram.fake;

/** A Telegram chat (Bot API Chat); null fields are left out of the JSON. */
record ChatInfo(
    long id,
    String type,
    String title,
    String username,
    String firstName,
    String lastName,
    boolean isForum) {

  static ChatInfo privateWith(UserInfo user) {
    return new ChatInfo(
        user.id(), "private", null, user.username(), user.firstName(), user.lastName(), false);
  }

  /** Ids from -1000000000000 down are supergroups, as Telegram numbers them; others groups. */
  static ChatInfo group(long id, String title) {
    String type = id <= -1_000_000_000_000L ? "supergroup" : "group";
    return new ChatInfo(id, type, title, null, null, null, false);
  }

  static ChatInfo forum(long id, String title) {
    return new ChatInfo(id, "supergroup", title, null, null, null, true);
  }

  boolean isGroup() {
    return type.equals("group") || type.equals("supergroup");
  }
}

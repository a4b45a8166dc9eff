package dev.switchboard.platform.telegram.fake;

/** A Telegram user (Bot API User); null fields are left out of the JSON. */
record UserInfo(
    long id,
    boolean isBot,
    String firstName,
    String lastName,
    String username,
    String languageCode) {

  /** The user a test did not describe: "User 42", @user42, English. */
  static UserInfo byDefault(long id) {
    return new UserInfo(id, false, "User " + id, null, "user" + id, "en");
  }
}

package dev.switchboard.platform.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.switchboard.config.Config;
import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigKey;
import dev.switchboard.config.ConfigSchema;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An address, a password and two servers; each missing piece named, the password never shown. */
class EmailSettingsTest {
  private static final String PASSWORD = "correct-horse-battery";

  private static Config config(Map<ConfigKey<?>, Object> values) {
    return Config.defaults(ConfigSchema.of(EmailSettings.keys())).with(new HashMap<>(values));
  }

  /** Everything needed, with {@code changes} on top (a null value removes the key). */
  private static Map<ConfigKey<?>, Object> complete(Map<ConfigKey<?>, Object> changes) {
    Map<ConfigKey<?>, Object> values = new HashMap<>();
    values.put(EmailSettings.ADDRESS, "bot@example.org");
    values.put(EmailSettings.PASSWORD, PASSWORD);
    values.put(EmailSettings.IMAP_HOST, "imap.example.org");
    values.put(EmailSettings.SMTP_HOST, "smtp.example.org");
    values.putAll(changes);
    return values;
  }

  private static EmailSettings settings(Map<ConfigKey<?>, Object> changes) {
    return EmailSettings.from(config(complete(changes)));
  }

  private static ConfigException refused(Map<ConfigKey<?>, Object> values) {
    return catchThrowableOfType(ConfigException.class, () -> EmailSettings.from(config(values)));
  }

  private static Map<ConfigKey<?>, Object> without(ConfigKey<?> key) {
    Map<ConfigKey<?>, Object> values = complete(Map.of());
    values.remove(key);
    return values;
  }

  @Test
  void theFourRequiredPiecesAreEnough() {
    EmailSettings s = settings(Map.of());
    assertThat(s.address()).isEqualTo("bot@example.org");
    assertThat(s.user()).isEqualTo("bot@example.org");
    assertThat(s.password()).isEqualTo(PASSWORD);
    assertThat(s.imap())
        .isEqualTo(new EmailSettings.Server("imap.example.org", 993, MailSecurity.TLS));
    assertThat(s.smtp())
        .isEqualTo(new EmailSettings.Server("smtp.example.org", 465, MailSecurity.TLS));
    assertThat(s.folder()).isEqualTo("INBOX");
    assertThat(s.pollInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.authservId()).isNull();
    assertThat(s.domain()).isEqualTo("example.org");
  }

  @Test
  void eachMissingPieceIsNamed() {
    ConfigException address = refused(without(EmailSettings.ADDRESS));
    assertThat(address.key()).isEqualTo("platforms.email.address");
    assertThat(address.getMessage()).contains("EMAIL_ADDRESS");
    ConfigException password = refused(without(EmailSettings.PASSWORD));
    assertThat(password.key()).isEqualTo("platforms.email.password");
    assertThat(password.getMessage()).contains("EMAIL_PASSWORD");
    ConfigException imap = refused(without(EmailSettings.IMAP_HOST));
    assertThat(imap.key()).isEqualTo("platforms.email.imap_host");
    assertThat(imap.getMessage()).contains("EMAIL_IMAP_HOST");
    ConfigException smtp = refused(without(EmailSettings.SMTP_HOST));
    assertThat(smtp.key()).isEqualTo("platforms.email.smtp_host");
    assertThat(smtp.getMessage()).contains("EMAIL_SMTP_HOST");
    assertThat(refused(complete(Map.of(EmailSettings.IMAP_HOST, "  "))).key())
        .isEqualTo("platforms.email.imap_host");
  }

  @Test
  void aHostThatIsNoHostNameIsRefused() {
    ConfigException e =
        refused(complete(Map.of(EmailSettings.SMTP_HOST, "smtp://mail.example.org")));
    assertThat(e.key()).isEqualTo("platforms.email.smtp_host");
    assertThat(e.getMessage()).contains("'smtp://mail.example.org'");
  }

  @Test
  void portsDefaultByHowTheConnectionIsProtected() {
    EmailSettings starttls = settings(Map.of(
        EmailSettings.IMAP_SECURITY, MailSecurity.STARTTLS,
        EmailSettings.SMTP_SECURITY, MailSecurity.STARTTLS));
    assertThat(starttls.imap().port()).isEqualTo(143);
    assertThat(starttls.smtp().port()).isEqualTo(587);
    assertThat(starttls.imap().security()).isEqualTo(MailSecurity.STARTTLS);
    EmailSettings none = settings(Map.of(
        EmailSettings.IMAP_SECURITY, MailSecurity.NONE,
        EmailSettings.SMTP_SECURITY, MailSecurity.NONE));
    assertThat(none.imap().port()).isEqualTo(143);
    assertThat(none.smtp().port()).isEqualTo(587);
    assertThat(none.smtp()).hasToString("smtp.example.org:587 (none)");
  }

  @Test
  void anExplicitPortWins() {
    EmailSettings s = settings(Map.of(
        EmailSettings.IMAP_PORT, 1993,
        EmailSettings.SMTP_PORT, 2525,
        EmailSettings.SMTP_SECURITY, MailSecurity.STARTTLS));
    assertThat(s.imap().port()).isEqualTo(1993);
    assertThat(s.imap().security()).isEqualTo(MailSecurity.TLS);
    assertThat(s.smtp().port()).isEqualTo(2525);
  }

  @Test
  void theAddressIsLowerCasedAndTheUserDefaultsToIt() {
    EmailSettings s = settings(Map.of(EmailSettings.ADDRESS, "  Bot@Example.ORG "));
    assertThat(s.address()).isEqualTo("bot@example.org");
    assertThat(s.user()).isEqualToIgnoringCase("bot@example.org");
    assertThat(s.domain()).isEqualTo("example.org");
    EmailSettings own = settings(Map.of(EmailSettings.USER, "bot-login"));
    assertThat(own.user()).isEqualTo("bot-login");
  }

  @Test
  void anAddressWithADisplayNameLogsInWithTheBareAddress() {
    EmailSettings s = settings(Map.of(EmailSettings.ADDRESS, "Switchboard <bot@example.org>"));
    assertThat(s.address()).isEqualTo("bot@example.org");
    assertThat(s.user()).isEqualTo("bot@example.org");
  }

  @Test
  void aBadAddressIsNamed() {
    ConfigException e = refused(complete(Map.of(EmailSettings.ADDRESS, "not an address")));
    assertThat(e.key()).isEqualTo("platforms.email.address");
    assertThat(e.getMessage()).contains("'not an address'");
    assertThat(refused(complete(Map.of(EmailSettings.ADDRESS, "bot@"))).key())
        .isEqualTo("platforms.email.address");
  }

  @Test
  void theTrustedServerNameIsTrimmedAndABlankOneUnset() {
    assertThat(settings(Map.of(EmailSettings.AUTHSERV_ID, " mx.example.org ")).authservId())
        .isEqualTo("mx.example.org");
    assertThat(settings(Map.of(EmailSettings.AUTHSERV_ID, " ")).authservId()).isNull();
  }

  @Test
  void aBlankFolderIsRefused() {
    assertThat(refused(complete(Map.of(EmailSettings.FOLDER, " "))).key())
        .isEqualTo("platforms.email.folder");
  }

  @Test
  void thePasswordIsNeverShown() {
    EmailSettings s = settings(Map.of());
    assertThat(s.toString())
        .doesNotContain(PASSWORD)
        .contains("bot@example.org")
        .contains("imap.example.org:993 (tls)");
    ConfigException e = refused(without(EmailSettings.IMAP_HOST));
    assertThat(e.getMessage()).doesNotContain(PASSWORD);
  }

  @Test
  void allowedAddressesAreLowerCasedAndABadOneIsNamed() {
    Config c = config(complete(Map.of(
        EmailSettings.ALLOWED_USERS,
        List.of("Alice@Example.COM", " bob@example.com "),
        EmailSettings.ADMIN_USERS,
        List.of("Ada <ADA@example.com>"))));
    assertThat(EmailSettings.addresses(c, EmailSettings.ALLOWED_USERS))
        .containsExactly("alice@example.com", "bob@example.com");
    assertThat(EmailSettings.addresses(c, EmailSettings.ADMIN_USERS))
        .containsExactly("ada@example.com");

    Config bad = config(complete(
        Map.of(EmailSettings.ALLOWED_USERS, List.of("alice@example.com", "not an address"))));
    ConfigException e = catchThrowableOfType(
        ConfigException.class, () -> EmailSettings.addresses(bad, EmailSettings.ALLOWED_USERS));
    assertThat(e.key()).isEqualTo("platforms.email.allowed_users");
    assertThat(e.getMessage()).contains("'not an address'");
  }
}

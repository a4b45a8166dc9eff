package dev.switchboard.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slash commands by name and alias. A message is a command only when its first word looks
 * like one ({@code /name} or {@code /name@botname}); "/home/user/x" is ordinary text.
 */
public final class CommandTable {
  private static final Pattern SHAPE = Pattern.compile(
      "/([A-Za-z][A-Za-z0-9_]{0,31})(?:@[A-Za-z0-9_]+)?(?:\\s+(.*))?", Pattern.DOTALL);

  /** A message that has the shape of a command, known or not. */
  public record Invocation(String name, String arguments) {}

  private final List<Command> commands;
  private final Map<String, Command> byName;

  public CommandTable(List<Command> commands) {
    Map<String, Command> map = new LinkedHashMap<>();
    for (Command c : commands) {
      register(map, c.name(), c);
      c.aliases().forEach(a -> register(map, a, c));
    }
    this.commands = List.copyOf(commands);
    this.byName = Collections.unmodifiableMap(map);
  }

  /** The standard commands; {@code extra} are added after them (later issues add more). */
  public static CommandTable standard(List<Command> extra) {
    List<Command> all = new ArrayList<>(List.of(
        new NewCommand(),
        new StopCommand(),
        new StatusCommand(),
        new HelpCommand(),
        new RestartCommand(),
        new SetHomeCommand(),
        new CronCommand(),
        new ModelCommand(),
        new RetryCommand(),
        new UndoCommand(),
        new QueueCommand(),
        new BusyCommand(),
        new ToolsCommand(),
        new VoiceCommand(),
        new WhoamiCommand(),
        new UsageCommand(),
        new ApprovalCommand(true),
        new ApprovalCommand(false)));
    all.addAll(extra);
    return new CommandTable(all);
  }

  private static void register(Map<String, Command> map, String name, Command c) {
    if (map.putIfAbsent(name.toLowerCase(Locale.ROOT), c) != null) {
      throw new IllegalArgumentException("command name used twice: /" + name);
    }
  }

  public static Optional<Invocation> parse(String text) {
    Matcher m = SHAPE.matcher(text.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String args = m.group(2) == null ? "" : m.group(2).strip();
    return Optional.of(new Invocation(m.group(1).toLowerCase(Locale.ROOT), args));
  }

  public Optional<Command> find(String name) {
    return Optional.ofNullable(byName.get(name.toLowerCase(Locale.ROOT)));
  }

  /** In the order they were registered, for /help and command menus. */
  public List<Command> all() {
    return commands;
  }
}

package dev.switchboard.command;

import java.util.List;
import java.util.Optional;

/**
 * {@code /model [name|default]}: show or choose the model of this session. With a configured
 * list of models, only those can be chosen; without one, any name is passed to the backend.
 */
final class ModelCommand implements Command {
  @Override
  public String name() {
    return "model";
  }

  @Override
  public String description() {
    return "Show or choose this session's model: /model [name|default]";
  }

  @Override
  public void execute(CommandContext context) {
    GatewayControl g = context.gateway();
    SessionControl s = context.session();
    String configured = g.defaultModel();
    if (configured == null) {
      context.reply("The agent (" + g.backend() + ") has no models to choose from.");
      return;
    }
    List<String> choices = g.models();
    String wanted = context.arguments();
    if (wanted.isEmpty()) {
      Optional<String> chosen = s.model();
      StringBuilder text = new StringBuilder("Model: ")
          .append(chosen.orElse(configured))
          .append(
              chosen.isPresent()
                  ? " (chosen for this session; the default is " + configured + ")"
                  : " (the default)");
      if (!choices.isEmpty()) {
        text.append("\nChoices: ").append(String.join(", ", choices));
      }
      text.append("\nChange it with /model <name>, go back with /model default.");
      context.reply(text.toString());
      return;
    }
    if (wanted.equalsIgnoreCase("default")) {
      s.setModel(null);
      context.reply("Model: " + configured + " (the default) from the next message on.");
      return;
    }
    if (wanted.chars().anyMatch(Character::isWhitespace) || wanted.length() > 200) {
      context.reply("A model name is one word, such as " + configured + ".");
      return;
    }
    if (!choices.isEmpty() && !choices.contains(wanted) && !wanted.equals(configured)) {
      context.reply(
          "Unknown model \"" + wanted + "\". Choices: " + String.join(", ", choices) + ".");
      return;
    }
    s.setModel(wanted);
    context.reply("Model: " + wanted + " for this session, from the next message on.");
  }
}

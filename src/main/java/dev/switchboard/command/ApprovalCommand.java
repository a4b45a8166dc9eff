package dev.switchboard.command;

/** {@code /approve} and {@code /deny}: answer the agent's request for permission. */
final class ApprovalCommand implements Command {
  private final boolean approve;

  ApprovalCommand(boolean approve) {
    this.approve = approve;
  }

  @Override
  public String name() {
    return approve ? "approve" : "deny";
  }

  @Override
  public String description() {
    return approve ? "Allow what the agent asked to do" : "Refuse what the agent asked to do";
  }

  @Override
  public void execute(CommandContext context) {
    if (!context.session().answerApproval(approve)) {
      context.reply("The agent is not waiting for an answer in this session.");
      return;
    }
    context.reply(approve ? "\u2705 Approved." : "\u274c Denied.");
  }
}

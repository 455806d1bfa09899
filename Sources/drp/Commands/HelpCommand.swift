/// `drp help [COMMAND]`: general or per-command usage.
struct HelpCommand: Command {
  let name = "help"
  let summary = "show usage of drp or of one command"
  let usage = "usage: drp help [COMMAND]\n\nPrints the list of commands, or the usage of COMMAND."
  let options: [OptionSpec] = []

  func run(_ context: CommandContext) throws {
    guard let topic = context.arguments.positionals.first else {
      context.stdout.line(CLI.usage)
      return
    }
    guard context.arguments.positionals.count == 1, let command = CommandRegistry.command(named: topic) else {
      throw UsageError(description: "unknown command '\(topic)'")
    }
    context.stdout.line(command.usage)
  }
}

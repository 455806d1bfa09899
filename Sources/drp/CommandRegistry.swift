/// Every `drp` command, in the order `drp help` lists them. Add new commands here.
enum CommandRegistry {
  static let all: [any Command] = [
    ImportCommand(),
    StatsCommand(),
    UsersCommand(),
    ItemsCommand(),
    SampleCommand(),
    EmbedCommand(),
    IndexCommand(),
    NeighborsCommand(),
    PeersCommand(),
    KeysCommand(),
    ProfileCommand(),
    GenerateCommand(),
    ServeCommand(),
    CallCommand(),
    EvalCommand(),
    HelpCommand(),
  ]

  /// The command called `name`.
  static func command(named name: String) -> (any Command)? { all.first { $0.name == name } }
}

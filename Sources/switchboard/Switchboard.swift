import ArgumentParser

/// `switchboard`: a self-hosted Microsoft Graph calls API for testing calling bots.
@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "A self-hosted Microsoft Graph cloud-communications calls API for testing calling bots.",
        subcommands: [Serve.self, WorldCommand.self, Bench.self, StackFloor.self],
        defaultSubcommand: Serve.self
    )
}

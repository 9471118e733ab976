import ArgumentParser
import Foundation
import World

/// `switchboard world`: the world file, checked or printed.
struct WorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "Check a world file, or print the built-in world as one.",
        subcommands: [Check.self, Print.self]
    )

    /// `switchboard world check FILE`: every problem with its line, exit status 1 if any.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a world file (YAML or JSON): each problem with its line.")

        @Argument(help: "The world file.")
        var file: String

        func run() throws {
            do {
                let world = try WorldFile.load(path: file)
                print("\(file): ok — \(world.tenants.count) tenants, \(world.applications.count) applications, "
                    + "\(world.applicationInstances.count) application instances, \(world.users.count) users, "
                    + "\(world.phoneNumbers.count) phone numbers, \(world.meetings.count) meetings")
            } catch {
                WorldCommand.report(error, in: file)
                throw ExitCode(1)
            }
        }
    }

    /// Writes each problem to standard error as `FILE:LINE: message`, the form editors and CI logs link.
    static func report(_ problems: WorldFile.Problems, in file: String) {
        for problem in problems.problems {
            FileHandle.standardError.write(Data("\(file):\(problem.line.map { "\($0):" } ?? "") \(problem.message)\n".utf8))
        }
    }

    /// `switchboard world print`: the built-in world, documented, to copy and edit.
    struct Print: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the built-in world as a documented world file.")

        func run() {
            print(WorldFile.builtInDocument)
        }
    }
}

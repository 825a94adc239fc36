import ArgumentParser
import Foundation
import RecallStore

/// The `recall` command: a flashcard study store with spaced repetition.
public struct RecallCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Flashcards with spaced repetition, in the terminal.",
        discussion: """
            The store is one SQLite file: --db PATH, else $RECALL_DB, else \
            $XDG_DATA_HOME/recall/recall.sqlite (~/.local/share/recall/recall.sqlite). \
            RECALL_NOW (ISO 8601) sets the time every command uses.

            Exit codes: 0 success; 1 the command failed and changed nothing; 64 wrong usage.
            """,
        version: version,
        subcommands: [
            Init.self, Decks.self, Add.self, Edit.self, Remove.self, Suspend.self, Unsuspend.self,
            List.self, Search.self, Show.self, DeckCommand.self, Next.self, Answer.self, Undo.self,
            Check.self, Config.self, Import.self,
            Export.self, Sync.self,
            Review.self,
        ]
    )

    public init() {}

    /// Parses the arguments, runs the command and exits. Domain errors print one line,
    /// `recall: error: …`, and exit 1; usage errors add the usage and exit 64.
    public static func runMain(arguments: [String]? = nil) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(ExitCode32.success)
        } catch let error as StoreError {
            fail(error.description)
        } catch let error as CLIError {
            fail(error.description)
        } catch let error as any Error & CustomStringConvertible where isDomainError(error) {
            fail(error.description)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                Output.line(fullMessage(for: error))
                Foundation.exit(ExitCode32.success)
            }
            if code.rawValue == ExitCode.failure.rawValue, !(error is ExitCode), !(error is ValidationError) {
                fail(message(for: error))
            }
            // A usage error is its message and the command's usage line: ArgumentParser's
            // "Help:" excerpt and "See '… --help'" hint are left out, the usage already says it.
            var lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            lines.removeAll { $0.hasPrefix("Help:") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("See '") }
            var text = lines.joined(separator: "\n")
            if text.hasPrefix("Error: ") { text = "recall: error: " + text.dropFirst(7) }
            Output.error(text)
            Foundation.exit(code.rawValue == ExitCode.failure.rawValue ? ExitCode32.failure : ExitCode32.usage)
        }
    }

    /// Errors of recall's own modules, whose description is already the user-facing line.
    static func isDomainError(_ error: Error) -> Bool {
        let module = String(reflecting: type(of: error))
        return module.hasPrefix("Recall")
    }

    static func fail(_ line: String) -> Never {
        Output.error("recall: error: " + line, oneLine: true)
        Foundation.exit(ExitCode32.failure)
    }
}

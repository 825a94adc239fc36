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
            Init.self, Decks.self, Add.self, Edit.self, Move.self, Remove.self, Suspend.self, Unsuspend.self,
            List.self, Search.self, Show.self, DeckCommand.self, Next.self, Answer.self, Undo.self,
            Check.self, Config.self, Optimize.self, Stats.self, Import.self,
            Export.self, Sync.self, Trash.self, Restore.self, Backup.self,
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
            // A usage error is two lines: its message, and the command's usage line.
            // ArgumentParser's "Help:" excerpt and "See '… --help'" hint are left out, the usage
            // already says it. The message quotes what was typed, so every control character
            // in it is shown, a newline and a tab too: `recall list $'--x\nfake'` must not
            // print a line that looks like recall's own.
            var text = message(for: error)
            if text.hasPrefix("Error: ") { text.removeFirst(7) }
            if !text.isEmpty { Output.error("recall: error: " + Output.visible(text), oneLine: true) }
            if let usage = usageLine(fullMessage(for: error)) { Output.error(usage) }
            Foundation.exit(code.rawValue == ExitCode.failure.rawValue ? ExitCode32.failure : ExitCode32.usage)
        }
    }

    /// The `Usage: …` line of ArgumentParser's full message, on one line (a usage it wrapped
    /// continues on indented lines); nil when there is none.
    static func usageLine(_ fullMessage: String) -> String? {
        let lines = fullMessage.split(separator: "\n", omittingEmptySubsequences: true)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Usage: ") }) else { return nil }
        var parts = [String(lines[start])]
        for line in lines[(start + 1)...] {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard line.first == " ", !trimmed.hasPrefix("See '") else { break }
            parts.append(trimmed)
        }
        return Output.visible(parts.joined(separator: " "))
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

import Foundation
import Testing

/// The outcome of one run of the `recall` binary.
struct RunResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs the built `recall` binary against a store in its own temporary folder, the way a user
/// would: real process, real SQLite file, `RECALL_NOW` for time travel.
final class RecallSandbox {
    let folder: URL
    var environment: [String: String]

    /// The `recall` binary built beside the test bundle (`swift build` puts products together).
    static let binary: URL = {
        if let override = ProcessInfo.processInfo.environment["RECALL_BIN"] { return URL(fileURLWithPath: override) }
        var candidates: [URL] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("recall"))
            directory = directory.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/recall"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    init(now: String? = "2026-11-25T12:00:00Z") {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recall-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": folder.path,
            "XDG_DATA_HOME": folder.appendingPathComponent("data").path,
            "TZ": "UTC",
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
        ]
        environment["RECALL_DB"] = dbPath
        if let now { environment["RECALL_NOW"] = now }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var dbPath: String { folder.appendingPathComponent("store/recall.sqlite").path }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Runs `recall args…`, with `extraEnvironment` on top of the sandbox's, and optional stdin.
    @discardableResult
    func run(_ arguments: [String], environment extraEnvironment: [String: String] = [:], stdin: String? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = environment.merging(extraEnvironment) { $1 }
        let outURL = folder.appendingPathComponent("out-\(UUID().uuidString)")
        let errURL = folder.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        return RunResult(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs a command that must succeed and returns its standard output.
    @discardableResult
    func ok(_ arguments: [String], environment extra: [String: String] = [:], stdin: String? = nil,
            sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, environment: extra, stdin: stdin)
        #expect(result.status == 0, "recall \(arguments.joined(separator: " ")) failed: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Runs a command that must fail with exit code `status` and one line on stderr; returns that line.
    @discardableResult
    func fails(_ arguments: [String], status: Int32 = 1, environment extra: [String: String] = [:],
               sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try run(arguments, environment: extra)
        #expect(result.status == status, "expected exit \(status), got \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        if status == 1 {
            #expect(result.stderr.split(separator: "\n").count == 1, "expected one line, got: \(result.stderr)", sourceLocation: sourceLocation)
        }
        return result.stderr.trimmingCharacters(in: .newlines)
    }

    /// Parses JSON output.
    func json(_ arguments: [String]) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try ok(arguments).utf8), options: [.fragmentsAllowed])
    }
}

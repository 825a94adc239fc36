#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Plays a sound file with the first player found on `PATH`, detached from the review: its
/// output goes to /dev/null (it must not draw over the screen), it reads nothing from the
/// terminal, and it runs in a process group of its own so that the keys typed meanwhile reach recall.
struct SoundPlayer {
    /// The players tried, in order, with the arguments that make each play once, quietly, without a window.
    static let players: [(name: String, arguments: [String])] = [
        ("mpv", ["--no-video", "--really-quiet", "--no-terminal"]),
        ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "quiet"]),
        ("paplay", []),
        ("aplay", ["-q"]),
    ]

    let environment: [String: String]

    /// The first player on `PATH`: its name, executable and arguments.
    func player() -> (name: String, path: String, arguments: [String])? {
        let folders = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for candidate in Self.players {
            for folder in folders where !folder.isEmpty {
                let path = folder + "/" + candidate.name
                if access(path, X_OK) == 0 { return (candidate.name, path, candidate.arguments) }
            }
        }
        return nil
    }

    enum Failure: Error { case noPlayer, spawn(String) }

    /// Starts playing `file` and returns the player's name at once.
    func play(_ file: String) -> Result<String, Failure> {
        Self.reapFinished()
        guard let player = player() else { return .failure(.noPlayer) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own: not the terminal's foreground group, so Ctrl-C in recall spares
        // it and it never competes for the keyboard. Signals recall catches are reset to their defaults.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH, SIGPIPE] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = [player.path] + player.arguments + [file]
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, player.path, &actions, &attributes, &cArguments, &cEnvironment)
        guard status == 0 else { return .failure(.spawn("\(player.name): \(String(cString: strerror(status)))")) }
        Self.running.withLock { $0.append(pid) }
        return .success(player.name)
    }

    /// Players started and not yet waited for; each is reaped once it ends, so none lingers as a zombie.
    private static let running = Mutex<[pid_t]>([])

    static func reapFinished() {
        running.withLock { pids in
            pids.removeAll { pid in
                var status: Int32 = 0
                return waitpid(pid, &status, WNOHANG) != 0
            }
        }
    }
}

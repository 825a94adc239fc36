#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import RecallTerminal

/// The full-screen review: raw mode on the alternate screen, one frame per key, resize
/// redraws. `Terminal` restores the user's terminal on every way out (return, `exit`, Ctrl-C,
/// SIGTERM, SIGHUP); this loop leaves full screen itself before the summary is printed, and
/// around the editor.
struct TTYReviewLoop {
    let environment: [String: String]

    func run(_ run: inout ReviewRun, first: ReviewCard) throws -> ReviewEnd {
        let terminal = try Terminal()
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        let colors = ColorSupport.enabled(environment: environment, outputIsTerminal: true)
        var screen = ReviewScreen(
            size: terminal.size(), colors: colors, media: CardMedia(store: run.engine.store),
            // NO_COLOR leaves pictures on: symbols are then drawn without colour.
            imageProtocol: ImageProtocol.detect(environment: environment))
        if let cell = terminal.cellPixels() { screen.cell = cell }
        run.session.show(first, at: monotonicNanos())
        try terminal.write(screen.frame(&run.session))
        while true {
            switch try reader.next() {
            case .key(let key):
                let action = run.session.handle(key)
                switch action {
                case .none:
                    continue
                case .edit:
                    try edit(&run, terminal: terminal, screen: &screen)
                case .playSound(let name):
                    run.session.message = play(name, media: CardMedia(store: run.engine.store))
                default:
                    if case .end(let end) = try run.perform(action) { return end }
                }
                try terminal.write(screen.frame(&run.session))
            case .resize(let size):
                screen.size = size
                if let cell = terminal.cellPixels() { screen.cell = cell }
                try terminal.write(screen.frame(&run.session))
            case .timeout:
                continue
            case .endOfInput:
                return .quit
            }
        }
    }

    /// Starts the sound `name` with the first player found; the line that says what happened.
    private func play(_ name: String, media: CardMedia) -> String {
        let shown = Sanitizer.sanitize(name)
        guard let path = media.path(of: name) else { return "♪ \(shown) is not in the media folder" }
        switch SoundPlayer(environment: environment).play(path) {
        case .success(let player): return "♪ playing \(shown) with \(player)"
        case .failure(.noPlayer): return "♪ no sound player found: install mpv, ffplay (ffmpeg), paplay or aplay"
        case .failure(.spawn(let reason)): return "♪ cannot play \(shown): \(reason)"
        }
    }

    /// Leaves full screen for `$EDITOR` (the editor owns the terminal meanwhile, and Ctrl-C
    /// there must not end the review), comes back, saves, and shows the edited card at once.
    /// Time in the editor does not count as time spent on the card.
    private func edit(_ run: inout ReviewRun, terminal: Terminal, screen: inout ReviewScreen) throws {
        guard let card = run.session.card else { return }
        run.session.pause(at: monotonicNanos())
        terminal.restore()
        let edited: Result<EditorSession.Edited?, Error> = Self.survivingInterrupts {
            Result { try EditorSession(environment: environment).edit(card.record) }
        }
        try terminal.enterFullScreen()
        screen.size = terminal.size()
        screen.terminalWasLent()
        run.session.resume(at: monotonicNanos())
        switch edited {
        case .success(let value):
            run.saveEdit(value)
        case .failure(let error):
            run.session.message = "\(error)"
        }
    }

    /// Runs `body` with SIGINT and SIGQUIT caught by a handler that does nothing, then puts the
    /// previous actions back. Ctrl-C typed in the editor reaches the whole foreground process
    /// group, recall included; a caught signal (unlike an ignored one) is reset to its default
    /// by `exec`, so the editor still gets the usual Ctrl-C.
    static func survivingInterrupts<T>(_ body: () -> T) -> T {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = ignoreSignal
        #else
        action.__sigaction_handler.sa_handler = ignoreSignal
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = Int32(SA_RESTART)
        var previousInterrupt = sigaction()
        var previousQuit = sigaction()
        sigaction(SIGINT, &action, &previousInterrupt)
        sigaction(SIGQUIT, &action, &previousQuit)
        defer {
            sigaction(SIGINT, &previousInterrupt, nil)
            sigaction(SIGQUIT, &previousQuit, nil)
        }
        return body()
    }
}

/// A signal handler that does nothing (see `TTYReviewLoop.survivingInterrupts`).
private func ignoreSignal(_ signal: Int32) {}

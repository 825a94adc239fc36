#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A key press, decoded from the bytes a terminal sends in raw mode.
public enum Key: Sendable, Hashable {
    /// A printable character other than space.
    case character(Character)
    case enter, space, tab, backTab, backspace, delete, insert, escape
    case up, down, left, right, home, end, pageUp, pageDown
    /// F1 to F12.
    case function(Int)
    /// Ctrl plus a letter, lowercased: Ctrl-C is `.ctrl("c")`. With ISIG off (raw mode),
    /// Ctrl-C arrives as this key rather than as SIGINT.
    case ctrl(Character)
    /// A sequence recall does not use, kept so that it can be ignored deliberately.
    case unknown([UInt8])

    public static let ctrlC = Key.ctrl("c")
}

/// What the review loop waits for.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    /// The window changed size (SIGWINCH); the payload is the new size. Redraw.
    case resize(TerminalSize)
    /// The timeout passed without input.
    case timeout
    /// The input closed (the terminal went away, or stdin hit end of file).
    case endOfInput
}

/// Turns raw-mode input bytes into keys. Pure, so that every sequence is testable without
/// a terminal.
public enum KeyDecoder {
    /// Decodes the first key in `bytes`.
    ///
    /// Returns nil when `bytes` is empty or holds only the start of a sequence (a lone ESC,
    /// `ESC [ 5`, the first byte of a UTF-8 character) and more bytes may follow. With
    /// `final` set, nothing more is coming, so a lone ESC is the Escape key.
    public static func decode(_ bytes: ArraySlice<UInt8>, final: Bool = false) -> (key: Key, length: Int)? {
        guard let first = bytes.first else { return nil }
        let start = bytes.startIndex
        switch first {
        case 0x0D, 0x0A: return (.enter, 1)
        case 0x20: return (.space, 1)
        case 0x7F, 0x08: return (.backspace, 1)
        case 0x09: return (.tab, 1)
        case 0x1B:
            guard bytes.count > 1 else { return final ? (.escape, 1) : nil }
            let second = bytes[start + 1]
            if second == UInt8(ascii: "[") { return csi(bytes, final: final) }
            if second == UInt8(ascii: "O") { return ss3(bytes, final: final) }
            // ESC followed by anything else: Escape, then that key on its own (Alt+key
            // is not something recall binds).
            return (.escape, 1)
        case 0x01...0x1A:
            return (.ctrl(Character(Unicode.Scalar(first + 0x60))), 1)
        case 0x00...0x1F:
            return (.unknown([first]), 1)
        case 0x21...0x7E:
            return (.character(Character(Unicode.Scalar(first))), 1)
        default:
            return utf8(bytes, final: final)
        }
    }

    /// Decodes all complete keys in `bytes`.
    public static func decodeAll(_ bytes: [UInt8], final: Bool = true) -> [Key] {
        var keys: [Key] = []
        var rest = bytes[...]
        while let (key, length) = decode(rest, final: final) {
            keys.append(key)
            rest = rest.dropFirst(length)
        }
        return keys
    }

    /// `ESC [ params final`: arrows, Home/End, PageUp/PageDown, Delete, F-keys.
    /// Modifier parameters (`ESC [ 1 ; 5 A`, Ctrl-Up) are accepted and ignored.
    private static func csi(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        let start = bytes.startIndex
        var index = start + 2
        while index < bytes.endIndex, (0x20...0x3F).contains(bytes[index]) { index += 1 }
        guard index < bytes.endIndex else {
            // Incomplete; if nothing more comes the bytes were typed keys, not a sequence.
            return final ? (.escape, 1) : nil
        }
        let terminator = bytes[index]
        let length = index - start + 1
        guard (0x40...0x7E).contains(terminator) else { return (.unknown(Array(bytes[start..<index + 1])), length) }
        let parameters = String(decoding: bytes[(start + 2)..<index], as: UTF8.self)
            .split(separator: ";").map { Int($0) ?? 0 }
        let key: Key
        switch terminator {
        case UInt8(ascii: "A"): key = .up
        case UInt8(ascii: "B"): key = .down
        case UInt8(ascii: "C"): key = .right
        case UInt8(ascii: "D"): key = .left
        case UInt8(ascii: "H"): key = .home
        case UInt8(ascii: "F"): key = .end
        case UInt8(ascii: "Z"): key = .backTab
        case UInt8(ascii: "~"):
            switch parameters.first ?? 0 {
            case 1, 7: key = .home
            case 2: key = .insert
            case 3: key = .delete
            case 4, 8: key = .end
            case 5: key = .pageUp
            case 6: key = .pageDown
            case 11...15: key = .function((parameters.first ?? 11) - 10)
            case 17...21: key = .function((parameters.first ?? 17) - 11)
            case 23, 24: key = .function((parameters.first ?? 23) - 12)
            default: key = .unknown(Array(bytes[start..<index + 1]))
            }
        default:
            key = .unknown(Array(bytes[start..<index + 1]))
        }
        return (key, length)
    }

    /// `ESC O x`: arrows and Home/End in application cursor mode, F1 to F4.
    private static func ss3(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        let start = bytes.startIndex
        guard bytes.count > 2 else { return final ? (.escape, 1) : nil }
        let key: Key
        switch bytes[start + 2] {
        case UInt8(ascii: "A"): key = .up
        case UInt8(ascii: "B"): key = .down
        case UInt8(ascii: "C"): key = .right
        case UInt8(ascii: "D"): key = .left
        case UInt8(ascii: "H"): key = .home
        case UInt8(ascii: "F"): key = .end
        case UInt8(ascii: "P"): key = .function(1)
        case UInt8(ascii: "Q"): key = .function(2)
        case UInt8(ascii: "R"): key = .function(3)
        case UInt8(ascii: "S"): key = .function(4)
        default: key = .unknown(Array(bytes[start..<start + 3]))
        }
        return (key, 3)
    }

    /// One UTF-8 encoded character; invalid bytes become `.unknown` one at a time.
    private static func utf8(_ bytes: ArraySlice<UInt8>, final: Bool) -> (key: Key, length: Int)? {
        let start = bytes.startIndex
        let first = bytes[start]
        let length: Int
        switch first {
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return (.unknown([first]), 1)
        }
        guard bytes.count >= length else { return final ? (.unknown([first]), 1) : nil }
        var decoded = ""
        var valid = true
        _ = transcode(
            bytes[start..<start + length].makeIterator(), from: UTF8.self, to: UTF32.self,
            stoppingOnError: true
        ) { value in
            if let scalar = Unicode.Scalar(value) { decoded.unicodeScalars.append(scalar) } else { valid = false }
        }
        guard valid, let character = decoded.first, decoded.unicodeScalars.count == 1 else {
            return (.unknown([first]), 1)
        }
        if let scalar = decoded.unicodeScalars.first, Sanitizer.placeholder(for: scalar) != nil {
            // C1 controls and bidi overrides are not keys anyone types.
            return (.unknown(Array(bytes[start..<start + length])), length)
        }
        return (.character(character), length)
    }
}

/// Reads keys from a terminal in raw mode and reports window resizes.
///
/// Waits with `poll` on the input and on the SIGWINCH self-pipe, so a resize wakes the
/// review screen even while no key is pressed. A lone ESC is reported as Escape only after
/// `escapeDelay` passes without the rest of a sequence, so that arrows are never mistaken
/// for Escape followed by `[A`.
public struct KeyReader {
    public let input: Int32
    /// The descriptor whose size `.resize` reports (the output terminal).
    public let sizeSource: Int32
    public var escapeDelay: Duration = .milliseconds(25)
    private var buffer: [UInt8] = []

    public init(input: Int32 = STDIN_FILENO, sizeSource: Int32 = STDOUT_FILENO) {
        self.input = input
        self.sizeSource = sizeSource
        _ = wakePipe
    }

    /// The next key or resize. With a nil `timeout` it waits for as long as it takes.
    public mutating func next(timeout: Duration? = nil) throws(TerminalError) -> InputEvent {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        while true {
            if !buffer.isEmpty {
                if let event = try decodeBuffered(clock: clock) { return event }
            }
            if consumeResizeFlag() {
                drainWakePipe()
                return .resize(currentSize())
            }
            var waitMilliseconds: Int32 = -1
            if let deadline {
                let remaining = clock.now.duration(to: deadline)
                if remaining <= .zero { return .timeout }
                waitMilliseconds = milliseconds(remaining)
            }
            switch try wait(milliseconds: waitMilliseconds, includeWakePipe: true) {
            case .ready:
                if try !fill() { return .endOfInput }
            case .woken:
                drainWakePipe()
                if consumeResizeFlag() { return .resize(currentSize()) }
            case .interrupted, .timedOut:
                continue
            case .closed:
                return .endOfInput
            }
        }
    }

    /// Decodes a key from the buffer, waiting up to `escapeDelay` to complete a sequence.
    private mutating func decodeBuffered(clock: ContinuousClock) throws(TerminalError) -> InputEvent? {
        if let (key, length) = KeyDecoder.decode(buffer[...]) {
            buffer.removeFirst(length)
            return .key(key)
        }
        let deadline = clock.now.advanced(by: escapeDelay)
        while true {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { break }
            let outcome = try wait(milliseconds: milliseconds(remaining), includeWakePipe: false)
            guard outcome == .ready || outcome == .interrupted else { break }
            if outcome == .ready {
                if try !fill() { break }
                if let (key, length) = KeyDecoder.decode(buffer[...]) {
                    buffer.removeFirst(length)
                    return .key(key)
                }
            }
        }
        guard let (key, length) = KeyDecoder.decode(buffer[...], final: true) else { return nil }
        buffer.removeFirst(length)
        return .key(key)
    }

    private enum WaitOutcome: Equatable { case ready, woken, interrupted, timedOut, closed }

    private func wait(milliseconds: Int32, includeWakePipe: Bool) throws(TerminalError) -> WaitOutcome {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0)]
        if includeWakePipe && wakePipe.read >= 0 {
            fds.append(pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0))
        }
        let result = poll(&fds, nfds_t(fds.count), milliseconds)
        if result < 0 {
            if errno == EINTR { return .interrupted }
            throw .systemCall(name: "poll", errno: errno)
        }
        if result == 0 { return .timedOut }
        if fds.count > 1 && fds[1].revents & Int16(POLLIN) != 0 { return .woken }
        if fds[0].revents & Int16(POLLIN) != 0 { return .ready }
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .closed }
        return .interrupted
    }

    /// Appends what is available to the buffer; false at end of input.
    private mutating func fill() throws(TerminalError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 256)
        while true {
            let count = read(input, &chunk, chunk.count)
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return true
            }
            if count == 0 { return false }
            if errno == EINTR { continue }
            if errno == EAGAIN { return true }
            if errno == EIO { return false }
            throw .systemCall(name: "read", errno: errno)
        }
    }

    private func currentSize() -> TerminalSize {
        Terminal.size(of: sizeSource) ?? Terminal.size(of: input) ?? .fallback
    }

    private func drainWakePipe() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(wakePipe.read, &sink, sink.count) > 0 {}
    }

    private func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}

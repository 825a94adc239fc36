import RecallTerminal

/// A minimal VT100/xterm screen model, so tests can assert what the user sees rather than
/// which bytes were sent.
///
/// It interprets printable text (wide characters take two cells, combining marks join the
/// previous cell), CR, LF, BS, TAB, cursor positioning (`CSI row;col H`, `CSI A/B/C/D/G/d`),
/// erasing (`CSI J`, `CSI K`), the alternate screen (`?1049h/l`, `?47`, `?1047`), cursor
/// visibility (`?25h/l`), save/restore cursor (`ESC 7/8`) and auto-wrap with xterm's
/// deferred wrap. SGR and other modes are parsed and ignored. OSC strings (window titles)
/// are recorded in `oscStrings`, so a test can prove none arrived.
struct VirtualScreen: Sendable, CustomStringConvertible {
    private(set) var rows: Int
    private(set) var columns: Int
    private(set) var cursorRow = 0
    private(set) var cursorColumn = 0
    private(set) var cursorVisible = true
    private(set) var isAlternateScreen = false
    private(set) var oscStrings: [String] = []

    /// Each cell holds one grapheme cluster; the cell right of a wide character is "".
    private var grid: [[String]]
    private var savedMainGrid: [[String]]?
    private var savedCursor: (row: Int, column: Int) = (0, 0)
    private var pendingWrap = false
    private var parser = ParserState.ground
    private var parameters: [UInt8] = []
    private var utf8Pending: [UInt8] = []

    private enum ParserState: Sendable {
        case ground, escape, escapeIntermediate, csi, osc, oscEscape
    }

    init(rows: Int, columns: Int) {
        self.rows = max(1, rows)
        self.columns = max(1, columns)
        grid = Array(repeating: Array(repeating: " ", count: max(1, columns)), count: max(1, rows))
    }

    // MARK: Reading

    /// Row `index` as text, trailing blanks removed.
    func line(_ index: Int) -> String {
        guard grid.indices.contains(index) else { return "" }
        var text = grid[index].joined()
        while text.last == " " { text.removeLast() }
        return text
    }

    var lines: [String] { (0..<rows).map(line) }

    /// The screen as text, trailing blank lines removed.
    var text: String {
        var all = lines
        while all.last == "" { all.removeLast() }
        return all.joined(separator: "\n")
    }

    /// The visible text and modes, so that a failing expectation prints a screen, not a grid.
    var description: String {
        let mode = isAlternateScreen ? "alternate screen" : "main screen"
        let cursor = cursorVisible ? "cursor visible" : "cursor hidden"
        return "VirtualScreen \(rows)x\(columns), \(mode), \(cursor):\n" + text
    }

    func contains(_ needle: String) -> Bool {
        lines.contains { $0.contains(needle) }
    }

    // MARK: Writing

    mutating func feed(_ text: String) {
        feed(Array(text.utf8))
    }

    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        for byte in bytes { consume(byte) }
    }

    /// Changes the size, keeping the top-left content (as xterm does on resize).
    mutating func resize(rows newRows: Int, columns newColumns: Int) {
        let newRows = max(1, newRows)
        let newColumns = max(1, newColumns)
        grid = (0..<newRows).map { row in
            (0..<newColumns).map { column in
                grid.indices.contains(row) && grid[row].indices.contains(column) ? grid[row][column] : " "
            }
        }
        rows = newRows
        columns = newColumns
        cursorRow = min(cursorRow, rows - 1)
        cursorColumn = min(cursorColumn, columns - 1)
        pendingWrap = false
    }

    private mutating func consume(_ byte: UInt8) {
        switch parser {
        case .ground:
            ground(byte)
        case .escape:
            escape(byte)
        case .escapeIntermediate:
            parser = .ground  // ESC ( B and friends: the designated charset is ignored
        case .csi:
            if (0x20...0x3F).contains(byte) {
                parameters.append(byte)
            } else if (0x40...0x7E).contains(byte) {
                csi(final: byte)
                parser = .ground
            } else if byte == 0x1B {
                parser = .escape
            } else {
                parser = .ground
            }
        case .osc:
            if byte == 0x07 {
                oscStrings.append(String(decoding: parameters, as: UTF8.self))
                parser = .ground
            } else if byte == 0x1B {
                parser = .oscEscape
            } else {
                parameters.append(byte)
            }
        case .oscEscape:
            oscStrings.append(String(decoding: parameters, as: UTF8.self))
            parser = .ground
            if byte != UInt8(ascii: "\\") { consume(byte) }
        }
    }

    private mutating func ground(_ byte: UInt8) {
        if !utf8Pending.isEmpty || byte >= 0x80 {
            utf8Pending.append(byte)
            let expected: Int
            switch utf8Pending[0] {
            case 0xC0...0xDF: expected = 2
            case 0xE0...0xEF: expected = 3
            case 0xF0...0xF7: expected = 4
            default: expected = 1
            }
            if utf8Pending.count < expected { return }
            let text = String(decoding: utf8Pending, as: UTF8.self)
            utf8Pending = []
            for scalar in text.unicodeScalars { put(scalar) }
            return
        }
        switch byte {
        case 0x1B:
            parser = .escape
        case 0x0D:
            cursorColumn = 0
            pendingWrap = false
        case 0x0A, 0x0B, 0x0C:
            lineFeed()
        case 0x08:
            cursorColumn = max(0, cursorColumn - 1)
            pendingWrap = false
        case 0x09:
            cursorColumn = min(columns - 1, (cursorColumn / 8 + 1) * 8)
        case 0x00...0x1F, 0x7F:
            break
        default:
            put(Unicode.Scalar(byte))
        }
    }

    private mutating func escape(_ byte: UInt8) {
        parameters = []
        switch byte {
        case UInt8(ascii: "["): parser = .csi
        case UInt8(ascii: "]"): parser = .osc
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"): parser = .escapeIntermediate
        case UInt8(ascii: "7"):
            savedCursor = (cursorRow, cursorColumn)
            parser = .ground
        case UInt8(ascii: "8"):
            (cursorRow, cursorColumn) = savedCursor
            parser = .ground
        case UInt8(ascii: "c"):
            self = VirtualScreen(rows: rows, columns: columns)
        default:
            parser = .ground
        }
    }

    private mutating func csi(final: UInt8) {
        let text = String(decoding: parameters, as: UTF8.self)
        let isPrivate = text.hasPrefix("?")
        let numbers = text.drop(while: { $0 == "?" || $0 == ">" })
            .split(separator: ";", omittingEmptySubsequences: false)
            .map { Int($0) }
        func number(_ index: Int, default value: Int) -> Int {
            guard numbers.indices.contains(index), let number = numbers[index], number > 0 else { return value }
            return number
        }
        pendingWrap = false
        switch final {
        case UInt8(ascii: "H"), UInt8(ascii: "f"):
            cursorRow = min(rows, number(0, default: 1)) - 1
            cursorColumn = min(columns, number(1, default: 1)) - 1
        case UInt8(ascii: "A"): cursorRow = max(0, cursorRow - number(0, default: 1))
        case UInt8(ascii: "B"): cursorRow = min(rows - 1, cursorRow + number(0, default: 1))
        case UInt8(ascii: "C"): cursorColumn = min(columns - 1, cursorColumn + number(0, default: 1))
        case UInt8(ascii: "D"): cursorColumn = max(0, cursorColumn - number(0, default: 1))
        case UInt8(ascii: "G"): cursorColumn = min(columns, number(0, default: 1)) - 1
        case UInt8(ascii: "d"): cursorRow = min(rows, number(0, default: 1)) - 1
        case UInt8(ascii: "J"):
            let mode = numbers.first.flatMap { $0 } ?? 0
            switch mode {
            case 0:
                eraseLine(from: cursorColumn, to: columns)
                for row in (cursorRow + 1)..<max(cursorRow + 1, rows) { eraseRow(row) }
            case 1:
                for row in 0..<cursorRow { eraseRow(row) }
                eraseLine(from: 0, to: cursorColumn + 1)
            default:
                for row in 0..<rows { eraseRow(row) }
            }
        case UInt8(ascii: "K"):
            let mode = numbers.first.flatMap { $0 } ?? 0
            switch mode {
            case 0: eraseLine(from: cursorColumn, to: columns)
            case 1: eraseLine(from: 0, to: cursorColumn + 1)
            default: eraseRow(cursorRow)
            }
        case UInt8(ascii: "S"):
            for _ in 0..<number(0, default: 1) { scrollUp() }
        case UInt8(ascii: "h") where isPrivate, UInt8(ascii: "l") where isPrivate:
            let on = final == UInt8(ascii: "h")
            for mode in numbers.compactMap({ $0 }) { setPrivateMode(mode, on: on) }
        default:
            break  // SGR (m), scroll regions, device queries: not part of what is seen
        }
    }

    private mutating func setPrivateMode(_ mode: Int, on: Bool) {
        switch mode {
        case 25:
            cursorVisible = on
        case 47, 1047, 1049:
            if on && !isAlternateScreen {
                if mode == 1049 { savedCursor = (cursorRow, cursorColumn) }
                savedMainGrid = grid
                isAlternateScreen = true
                for row in 0..<rows { eraseRow(row) }
            } else if !on && isAlternateScreen {
                if let saved = savedMainGrid, saved.count == rows, saved.first?.count == columns {
                    grid = saved
                } else {
                    for row in 0..<rows { eraseRow(row) }
                }
                savedMainGrid = nil
                isAlternateScreen = false
                if mode == 1049 { (cursorRow, cursorColumn) = savedCursor }
            }
        default:
            break
        }
    }

    private mutating func put(_ scalar: Unicode.Scalar) {
        let width = DisplayWidth.of(scalar)
        if width == 0 {
            // Combining marks, ZWJ, VS16: part of the previous cell's cluster.
            let column = pendingWrap ? cursorColumn : max(0, cursorColumn - 1)
            var target = column
            if grid[cursorRow][target] == "" && target > 0 { target -= 1 }
            grid[cursorRow][target].unicodeScalars.append(scalar)
            return
        }
        if pendingWrap || cursorColumn + width > columns {
            cursorColumn = 0
            lineFeed()
        }
        grid[cursorRow][cursorColumn] = String(Character(scalar))
        if width == 2 && cursorColumn + 1 < columns {
            grid[cursorRow][cursorColumn + 1] = ""
        }
        cursorColumn += width
        if cursorColumn >= columns {
            cursorColumn = columns - 1
            pendingWrap = true
        }
    }

    private mutating func lineFeed() {
        pendingWrap = false
        if cursorRow == rows - 1 {
            scrollUp()
        } else {
            cursorRow += 1
        }
    }

    private mutating func scrollUp() {
        grid.removeFirst()
        grid.append(Array(repeating: " ", count: columns))
    }

    private mutating func eraseRow(_ row: Int) {
        grid[row] = Array(repeating: " ", count: columns)
    }

    private mutating func eraseLine(from start: Int, to end: Int) {
        guard start < end else { return }
        for column in max(0, start)..<min(columns, end) { grid[cursorRow][column] = " " }
    }
}

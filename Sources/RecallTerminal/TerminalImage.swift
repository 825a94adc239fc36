#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CChafa

/// How pictures reach the terminal: one of the three graphics protocols terminals speak, text
/// symbols that any colour terminal shows, or not at all (a `[image: name]` line instead).
public enum ImageProtocol: String, Sendable, CaseIterable {
    case kitty, iterm, sixel, symbols, off

    /// The protocol for the terminal described by `environment`. `RECALL_IMAGES` (one of the
    /// case names) decides when set; otherwise the terminal is recognised by the variables it
    /// exports: kitty and Ghostty speak kitty's protocol, iTerm2 and WezTerm iTerm's, foot,
    /// mlterm and Konsole sixel. Anything else, and anything inside tmux or screen (which
    /// would need pass-through), gets symbols, which every terminal with colours shows.
    public static func detect(environment: [String: String]) -> ImageProtocol {
        if let forced = environment["RECALL_IMAGES"]?.lowercased(), !forced.isEmpty {
            if forced == "iterm2" { return .iterm }
            if let value = ImageProtocol(rawValue: forced) { return value }
        }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if term == "dumb" { return .off }
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return .symbols }
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .kitty }
        if program == "ghostty" || term == "xterm-ghostty" { return .kitty }
        if program == "iTerm.app" || environment["ITERM_SESSION_ID"] != nil { return .iterm }
        if program == "WezTerm" || environment["WEZTERM_EXECUTABLE"] != nil { return .iterm }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") || environment["KONSOLE_VERSION"] != nil {
            return .sixel
        }
        return .symbols
    }

    /// Graphics protocols draw pixels over a block of cells; symbols are text lines.
    public var isGraphics: Bool { self == .kitty || self == .iterm || self == .sixel }
}

/// A picture laid out for the terminal: `rows` lines of `columns` cells. With symbols the
/// picture is `lines` (text with colour sequences, one per row); with a graphics protocol it
/// is one escape sequence, `graphic`, to be written with the cursor at the block's top left.
public struct TerminalImage: Sendable, Equatable {
    public var columns: Int
    public var rows: Int
    public var lines: [String]
    public var graphic: String?
}

/// Decodes a picture file (PNG, JPEG or GIF, by its content, whatever its name) with
/// gdk-pixbuf and draws it with libchafa. The bytes are untrusted: anything that does not
/// decode cleanly, claims absurd dimensions or is another format gives nil, never a crash.
public enum ImageRenderer {
    /// The picture at `path` fitted into `maxColumns` × `maxRows` cells (aspect kept, never
    /// enlarged past what the cells need), or nil when it is not a picture we can read.
    /// `cell` is a cell's size in pixels (for sixel, which draws pixels, and for the aspect).
    public static func render(
        path: String, maxColumns: Int, maxRows: Int, using mode: ImageProtocol, colors: Bool,
        cell: (width: Int, height: Int) = (10, 20)
    ) -> TerminalImage? {
        guard mode != .off, maxColumns >= 1, maxRows >= 1 else { return nil }
        guard let picture = PixbufDecoder.decode(path: path, maxWidth: maxColumns * cell.width, maxHeight: maxRows * cell.height)
        else { return nil }
        return draw(picture, maxColumns: maxColumns, maxRows: maxRows, mode: mode, colors: colors, cell: cell)
    }

    static func draw(
        _ picture: DecodedPicture, maxColumns: Int, maxRows: Int, mode: ImageProtocol, colors: Bool,
        cell: (width: Int, height: Int)
    ) -> TerminalImage? {
        let cellWidth = max(1, cell.width)
        let cellHeight = max(1, cell.height)
        // Cells the picture needs at its own size, then fitted into the space given, aspect kept.
        // Symbols resolve a cell into a few blocks only: a small picture gets twice the cells, or
        // an icon would be a smudge.
        let scale = mode.isGraphics ? 1 : 2
        var columns = Int32(min(maxColumns, max(1, (picture.width * scale + cellWidth - 1) / cellWidth)))
        var rows = Int32(min(maxRows, max(1, (picture.height * scale + cellHeight - 1) / cellHeight)))
        chafa_calc_canvas_geometry(
            Int32(picture.width), Int32(picture.height), &columns, &rows,
            Float(cellWidth) / Float(cellHeight), 0, 0)
        columns = max(1, min(columns, Int32(maxColumns)))
        rows = max(1, min(rows, Int32(maxRows)))

        guard let config = chafa_canvas_config_new() else { return nil }
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_geometry(config, columns, rows)
        chafa_canvas_config_set_cell_geometry(config, Int32(cellWidth), Int32(cellHeight))
        switch mode {
        case .kitty: chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_KITTY)
        case .iterm: chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_ITERM2)
        case .sixel: chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_SIXELS)
        case .symbols, .off:
            chafa_canvas_config_set_pixel_mode(config, CHAFA_PIXEL_MODE_SYMBOLS)
            chafa_canvas_config_set_canvas_mode(config, colors ? CHAFA_CANVAS_MODE_TRUECOLOR : CHAFA_CANVAS_MODE_FGBG)
            // Block and border shapes are in every monospaced font; braille and wide symbols are not.
            if let symbols = chafa_symbol_map_new() {
                chafa_symbol_map_add_by_tags(
                    symbols,
                    ChafaSymbolTags(CHAFA_SYMBOL_TAG_BLOCK.rawValue | CHAFA_SYMBOL_TAG_BORDER.rawValue
                        | CHAFA_SYMBOL_TAG_SPACE.rawValue))
                chafa_symbol_map_remove_by_tags(symbols, CHAFA_SYMBOL_TAG_WIDE)
                chafa_canvas_config_set_symbol_map(config, symbols)
                chafa_symbol_map_unref(symbols)
            }
        }
        guard let canvas = chafa_canvas_new(config) else { return nil }
        defer { chafa_canvas_unref(canvas) }
        picture.bytes.withUnsafeBufferPointer { buffer in
            chafa_canvas_draw_all_pixels(
                canvas, picture.hasAlpha ? CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
                buffer.baseAddress, Int32(picture.width), Int32(picture.height), Int32(picture.rowstride))
        }
        // The fallback term info knows every protocol's sequences; which one is used is ours to say.
        guard let printed = chafa_canvas_print(canvas, chafa_term_db_get_fallback_info(chafa_term_db_get_default()))
        else { return nil }
        let text = String(cString: printed.pointee.str)
        g_string_free(printed, 1)
        if mode.isGraphics {
            let cellRows = mode == .sixel
                ? Int((Int(rows) * cellHeight + cellHeight - 1) / cellHeight) : Int(rows)
            return TerminalImage(columns: Int(columns), rows: max(1, cellRows), lines: [], graphic: text)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, TerminalImage.visibleWidth(last) == 0, lines.count > Int(rows) {
            lines.removeLast()
        }
        if lines.count > Int(rows) { lines.removeLast(lines.count - Int(rows)) }
        // Each row ends with attributes reset, so a row's colour never bleeds into the next line.
        lines = lines.map { $0.hasSuffix("\u{1B}[0m") ? $0 : $0 + "\u{1B}[0m" }
        if !colors { lines = lines.map(TerminalImage.stripEscapes) }
        return TerminalImage(columns: Int(columns), rows: lines.count, lines: lines, graphic: nil)
    }
}

extension TerminalImage {
    /// Columns that `line` takes, escape sequences not counted.
    static func visibleWidth(_ line: String) -> Int {
        DisplayWidth.of(stripEscapes(line))
    }

    /// `line` without CSI sequences (chafa's symbol rows carry only SGR colour and reset).
    static func stripEscapes(_ line: String) -> String {
        var result = ""
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let byte = iterator.next(), !(0x40...0x7E).contains(byte.value) {}
                }
                continue
            }
            if scalar.value < 0x20 || scalar.value == 0x7F { continue }
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}

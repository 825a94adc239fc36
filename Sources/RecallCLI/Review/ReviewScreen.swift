import RecallModel
import RecallScheduler
import RecallStore
import RecallTerminal

/// Lays out one frame of the review screen:
///
///     Python interview · card 12            12 new · 3 learning · 40 review
///     ──────────────────────────────────────────────────────────────────────
///      What does `is` compare?                        (front, scrolls)
///
///      ── answer ──────────────────────────
///      Identity, not equality.                        (back, after reveal)
///
///     ↓ more below (j/k, PgDn)                         (message or scroll hint)
///     1 Again 1m · 2 Hard 6m · 3 Good 2d · 4 Easy 8d   (buttons, after reveal)
///     space show · e edit · s suspend · … · q quit     (status bar, reverse video)
///
/// Card text goes through `CardRenderer` and every other string through `Span`, both of
/// which sanitize, so nothing from a card reaches the terminal as a control sequence. The
/// rendered card is cached per card, text and width: answering draws a new card once,
/// scrolling and messages reuse the lines.
struct ReviewScreen {
    var size: TerminalSize
    let colors: Bool
    let theme = Theme.standard
    private let renderer = CardRenderer()
    private var cache: Cache?
    /// Where pictures and sounds come from, and how pictures are drawn (nil: no store, e.g. tests).
    let media: CardMedia?
    let imageProtocol: ImageProtocol
    /// A cell's size in pixels, as the terminal reports it (a common size when it does not).
    var cell: (width: Int, height: Int) = (10, 20)

    /// The rendered faces of one card at one width.
    private struct Cache {
        var cardID: Int64
        var front: String
        var back: String
        var width: Int
        var height: Int
        var frontFace: Face
        var backFace: Face
    }

    /// A face's lines, and the pictures drawn over them in a graphics protocol.
    struct Face {
        var lines: [String]
        var pictures: [Picture]
    }

    /// A picture over `rows` lines of a face from line `line`: one escape sequence, drawn
    /// only when the whole picture is in view.
    struct Picture {
        var line: Int
        var rows: Int
        var graphic: String
        /// With kitty: the picture's id, and `graphic` only transmits it; `placement` shows it.
        var kittyID: Int? = nil
        var placement: String = ""
    }

    /// kitty pictures already sent to the terminal: later frames only place them again.
    private var transmitted: Set<Int> = []
    private var nextKittyID = 1

    /// After the terminal was handed to another program (the editor), which may have cleared
    /// kitty's pictures: the next frame sends them again.
    mutating func terminalWasLent() {
        transmitted = []
    }

    init(size: TerminalSize, colors: Bool, media: CardMedia? = nil, imageProtocol: ImageProtocol = .off) {
        self.size = size
        self.colors = colors
        self.media = media
        self.imageProtocol = imageProtocol
    }

    /// Rows above the body (header, rule) and below it (message, buttons), besides the status bar.
    static let headerRows = 2
    static let footerRows = 2

    var bodyHeight: Int { max(1, size.rows - 1 - Self.headerRows - Self.footerRows) }

    /// Columns left free on each side of the card text, when the window is wide enough to spare them.
    var margin: Int { size.columns >= 24 ? 1 : 0 }
    var textWidth: Int { max(1, size.columns - 2 * margin) }

    /// The frame for `session`, as one string for one write. Updates the session's viewport
    /// to the laid-out body (so scrolling keys know how far they can go).
    mutating func frame(_ session: inout ReviewSession) -> String {
        let width = size.columns
        var rows: [String] = []
        rows.reserveCapacity(size.rows)
        rows.append(string(fit(header(session), width: width)))
        rows.append(string(StyledLine(String(repeating: "─", count: max(0, width)), style: theme.rule)))

        let body: [String]
        var pictures: [Picture] = []
        var answerRow: Int?
        if session.showingHelp {
            body = renderer.render(markdown: Self.helpText, width: textWidth, colors: colors)
        } else if let card = session.card {
            let faces = rendered(card)
            pictures = faces.front.pictures
            if session.revealed {
                answerRow = faces.front.lines.count + 1
                let backStart = faces.front.lines.count + 2
                body = faces.front.lines + ["", string(answerRule())] + faces.back.lines
                pictures += faces.back.pictures.map { picture in
                    var moved = picture
                    moved.line += backStart
                    return moved
                }
            } else {
                body = faces.front.lines
            }
        } else {
            body = []
        }
        var viewport = session.viewport
        viewport.resize(contentHeight: body.count, visibleHeight: bodyHeight)
        if session.scrollToAnswer, let answerRow {
            // Revealing a long card: bring the answer up if its first line is below the fold.
            if answerRow + 1 >= viewport.offset + bodyHeight {
                viewport = Viewport(contentHeight: body.count, visibleHeight: bodyHeight, offset: answerRow)
            }
            session.scrollToAnswer = false
        }
        session.viewport = viewport
        let indent = String(repeating: " ", count: margin)
        for line in viewport.visible(body) { rows.append(indent + line) }
        while rows.count < Self.headerRows + bodyHeight { rows.append("") }

        rows.append(string(fit(messageLine(session), width: width)))
        rows.append(string(fit(buttons(session), width: width)))
        // Pictures wholly in view are drawn over their reserved rows, after the rows are written.
        var overlay = ""
        let visible = viewport.visibleRange
        for picture in pictures where picture.line >= visible.lowerBound && picture.line + picture.rows <= visible.upperBound {
            let row = Self.headerRows + (picture.line - visible.lowerBound) + 1
            var drawing = picture.graphic
            if let id = picture.kittyID {
                // Sent once; each frame then places it again, a few bytes instead of the picture.
                drawing = (transmitted.insert(id).inserted ? picture.graphic : "") + picture.placement
            }
            overlay += "\u{1B}7\u{1B}[\(row);\(margin + 1)H" + drawing + "\u{1B}8"
        }
        // kitty keeps pictures on screen until they are deleted: each frame starts without the last
        // one's placements (lower-case `a`: the pictures' data stays, for placing them again).
        let prefix = imageProtocol == .kitty ? "\u{1B}_Ga=d,q=2\u{1B}\\" : ""
        return Screen(size: size, colors: colors, theme: theme)
            .frame(lines: rows, status: hints(session), prefix: prefix, overlay: overlay)
    }

    private mutating func rendered(_ card: ReviewCard) -> (front: Face, back: Face) {
        if let cache, cache.cardID == card.record.id, cache.width == textWidth, cache.height == bodyHeight,
           cache.front == card.front, cache.back == card.back {
            return (cache.frontFace, cache.backFace)
        }
        let front = face(card.front)
        let back = face(card.back)
        cache = Cache(cardID: card.record.id, front: card.front, back: card.back, width: textWidth,
                      height: bodyHeight, frontFace: front, backFace: back)
        return (front, back)
    }

    /// The most rows one picture takes: most of the body, leaving room to see text around it.
    var pictureRows: Int { max(1, min(bodyHeight - 2, 20)) }

    /// One face: its text, sounds shown as `♪ name`, and its pictures in place. A picture that
    /// cannot be drawn is a line saying so: `[image: name]` when the file is missing or pictures
    /// are off, `[image: name (unreadable)]` when its bytes are not a picture we can decode.
    private mutating func face(_ markdown: String) -> Face {
        var lines: [String] = []
        var pictures: [Picture] = []
        for block in renderer.renderBlocks(markdown: CardMedia.showingSounds(markdown), width: textWidth, colors: colors) {
            switch block {
            case .text(let text):
                lines += text
            case .image(let name):
                let shown = Sanitizer.sanitize(name)
                guard imageProtocol != .off, let path = media?.path(of: name) else {
                    lines.append(string(StyledLine("[image: \(shown)]", style: theme.rule)))
                    continue
                }
                guard let image = ImageRenderer.render(
                    path: path, maxColumns: textWidth, maxRows: pictureRows, using: imageProtocol, colors: colors, cell: cell)
                else {
                    lines.append(string(StyledLine("[image: \(shown) (unreadable)]", style: theme.rule)))
                    continue
                }
                if let graphic = image.graphic {
                    var picture = Picture(line: lines.count, rows: image.rows, graphic: graphic)
                    let transmitAndShow = "\u{1B}_Ga=T,"
                    if imageProtocol == .kitty, graphic.hasPrefix(transmitAndShow) {
                        let id = nextKittyID
                        nextKittyID += 1
                        picture.kittyID = id
                        picture.graphic = "\u{1B}_Ga=t,i=\(id),q=2," + graphic.dropFirst(transmitAndShow.count)
                        picture.placement = "\u{1B}_Ga=p,i=\(id),c=\(image.columns),r=\(image.rows),q=2\u{1B}\\"
                    }
                    pictures.append(picture)
                    lines.append(string(StyledLine("[image: \(shown)]", style: theme.rule)))
                    lines += Array(repeating: "", count: max(0, image.rows - 1))
                } else {
                    lines += image.lines
                }
            }
        }
        return Face(lines: lines, pictures: pictures)
    }

    // MARK: Parts

    /// Deck and card on the left, what is left today on the right (the count of the card's own
    /// kind underlined, as Anki does). When the window is narrow the deck name is cut first, then
    /// the counts go: the card id always shows.
    func header(_ session: ReviewSession) -> StyledLine {
        guard let card = session.card else { return StyledLine("recall review", style: Style(bold: true)) }
        var suffix = StyledLine([Span(" · card \(card.record.id)")])
        if card.record.flag != 0 { suffix.append(Span(" · ⚑ flagged", style: Style(foreground: .red))) }
        var right = StyledLine()
        if let counts = card.counts {
            let phase = card.record.state.phase
            let parts: [(Int, String, Color, Bool)] = [
                (counts.new, "new", .blue, phase == .new),
                (counts.learning, "learning", .red, phase == .learning || phase == .relearning),
                (counts.review, "review", .green, phase == .review),
            ]
            for (index, part) in parts.enumerated() {
                if index > 0 { right.append(Span(" · ")) }
                right.append(Span("\(part.0)", style: Style(bold: true, underline: part.3, foreground: part.2)))
                right.append(Span(" \(part.1)"))
            }
        } else {
            right.append(Span("cram: schedule unchanged", style: Style(foreground: .yellow)))
            if let left = card.cramLeft { right.append(Span(" · \(left) left")) }
        }
        let deck = StyledLine([Span(card.record.deck, style: Style(bold: true))])
        let minimumDeck = min(deck.width, 8)
        if size.columns - suffix.width - right.width - 2 < minimumDeck { right = StyledLine() }
        let gap = right.width > 0 ? 2 : 0
        var line = fit(deck, width: max(1, size.columns - suffix.width - right.width - gap))
        line.append(contentsOf: suffix)
        if right.width > 0 {
            line.append(Span(String(repeating: " ", count: max(gap, size.columns - line.width - right.width))))
            line.append(contentsOf: right)
        }
        return line
    }

    private func answerRule() -> StyledLine {
        let label = "── answer "
        let fill = max(0, min(textWidth, 40) - label.count)
        return StyledLine(label + String(repeating: "─", count: fill), style: theme.rule)
    }

    /// The session's message, else a hint that the card continues above or below.
    func messageLine(_ session: ReviewSession) -> StyledLine {
        if let message = session.message { return StyledLine(message, style: Style(foreground: .yellow)) }
        let viewport = session.viewport
        guard viewport.maximumOffset > 0 else { return StyledLine() }
        let range = viewport.visibleRange
        let arrows = (viewport.canScrollUp ? "↑" : "") + (viewport.canScrollDown ? "↓" : "")
        return StyledLine("\(arrows) lines \(range.lowerBound + 1)–\(range.upperBound) of \(viewport.contentHeight) (j/k, PgUp/PgDn)",
                          style: theme.rule)
    }

    /// "1 Again 1m · 2 Hard 6m · 3 Good 2d · 4 Easy 8d" once the back is shown; a compact form
    /// ("1:1m 2:6m 3:2d 4:8d") when the window is too narrow for it.
    func buttons(_ session: ReviewSession) -> StyledLine {
        guard let card = session.card, !session.showingHelp else { return StyledLine() }
        guard session.revealed else {
            return StyledLine([Span("space", style: Style(bold: true)), Span(" show the answer")])
        }
        let colorsByRating: [Rating: Color] = [.again: .red, .hard: .yellow, .good: .green, .easy: .blue]
        var full = StyledLine()
        var compact = StyledLine()
        for rating in Rating.allCases {
            let interval = card.intervals[rating] ?? "?"
            let style = Style(foreground: colorsByRating[rating])
            if rating != .again {
                full.append(Span(" · ", style: theme.rule))
                compact.append(Span(" "))
            }
            full.append(Span("\(rating.rawValue) ", style: Style(bold: true)))
            full.append(Span("\(rating.name.capitalized) \(interval)", style: style))
            compact.append(Span("\(rating.rawValue):", style: Style(bold: true)))
            compact.append(Span(interval, style: style))
        }
        return full.width <= size.columns ? full : compact
    }

    /// The status bar: the keys that do something now.
    func hints(_ session: ReviewSession) -> String {
        if session.showingHelp { return " any key: back to the card" }
        guard session.card != nil else { return " q quit" }
        let edit = session.revealed ? "E edit" : "e edit"
        let first = session.revealed ? "1-4 answer" : "space show"
        let play = hasSounds(session) ? " · p play" : ""
        let full = " \(first) · u undo · \(edit) · s suspend · b bury · f flag\(play) · ? keys · q quit"
        return full.count <= size.columns ? full : " \(first)\(play) · ? keys · q quit"
    }

    /// The `?` overlay, rendered like a card so it wraps to any width.
    static let helpText = """
        # Keys

        - **space**, **enter**: show the answer; once it is shown, answer Good
        - **1** or **a**: Again · **2** or **h**: Hard · **3** or **g**: Good · **4** or **e**: Easy \
        (after the answer is shown)
        - **u**: undo the last answer, suspension or burial (press again for earlier ones); \
        an answer that `recall sync` or `recall export` already wrote to a deck file stays
        - **e**: edit the card in `$EDITOR` before the answer is shown, **E** at any time
        - **s**: suspend the card · **b**: bury it until tomorrow
        - **f**: flag the card for fixing (again to clear the flag)
        - **p**: play the card's sound (again for the next one), with mpv, ffplay, paplay or aplay
        - **↑ ↓ j k**, **PgUp PgDn**, **Home End**: scroll a card taller than the window
        - **Ctrl-L**: redraw · **?**: these keys · **q**: quit with a summary

        Time on each card is recorded with its answer (at most 10 minutes).
        """

    /// Whether the shown faces of the card name a sound.
    func hasSounds(_ session: ReviewSession) -> Bool {
        guard let card = session.card else { return false }
        return !ReviewSession.sounds(of: card, revealed: session.revealed).isEmpty
    }

    // MARK: Strings

    private func string(_ line: StyledLine) -> String {
        ANSIWriter(colors: colors).string(for: line)
    }

    /// Cuts `line` to `width` columns, ending in "…" when something was cut.
    func fit(_ line: StyledLine, width: Int) -> StyledLine {
        guard line.width > width else { return line }
        guard width > 1 else { return StyledLine() }
        var result = StyledLine()
        var used = 0
        let limit = width - 1
        for span in line.spans {
            if used + span.width <= limit {
                result.append(span)
                used += span.width
                continue
            }
            var text = ""
            for character in span.text {
                let columns = DisplayWidth.of(character)
                if used + columns > limit { break }
                text.append(character)
                used += columns
            }
            result.append(Span(text, style: span.style))
            break
        }
        result.append(Span("…"))
        return result
    }
}

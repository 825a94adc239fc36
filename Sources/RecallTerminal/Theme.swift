/// The looks of each part of a rendered card.
///
/// Colours are the 16 basic ones, which follow the user's terminal palette and so stay
/// legible on light and dark backgrounds alike.
public struct Theme: Sendable, Equatable {
    public var strong: Style
    public var emphasis: Style
    public var code: Style
    public var link: Style
    public var url: Style
    /// Level 1 heading; `heading` is used for levels 2 to 6.
    public var title: Style
    public var heading: Style
    public var quote: Style
    public var quoteBar: Style
    public var listMarker: Style
    public var rule: Style
    public var frame: Style
    public var frameLabel: Style
    public var continuation: Style
    public var rawHTML: Style
    public var keyword: Style
    public var string: Style
    public var comment: Style
    public var number: Style
    public var literal: Style
    public var type: Style
    public var attribute: Style
    public var variable: Style
    public var key: Style
    public var prompt: Style
    public var statusBar: Style

    public static let standard = Theme(
        strong: Style(bold: true),
        emphasis: Style(italic: true),
        code: Style(foreground: .cyan),
        link: Style(underline: true, foreground: .blue),
        url: Style(dim: true),
        title: Style(bold: true, underline: true, foreground: .magenta),
        heading: Style(bold: true, foreground: .magenta),
        quote: Style(italic: true),
        quoteBar: Style(dim: true),
        listMarker: Style(foreground: .yellow),
        rule: Style(dim: true),
        frame: Style(dim: true),
        frameLabel: Style(bold: true, foreground: .cyan),
        continuation: Style(dim: true),
        rawHTML: Style(dim: true),
        keyword: Style(bold: true, foreground: .magenta),
        string: Style(foreground: .green),
        comment: Style(italic: true, foreground: .brightBlack),
        number: Style(foreground: .yellow),
        literal: Style(foreground: .yellow),
        type: Style(foreground: .cyan),
        attribute: Style(foreground: .blue),
        variable: Style(foreground: .cyan),
        key: Style(foreground: .blue),
        prompt: Style(dim: true),
        statusBar: Style(inverse: true))

    /// The style for a token a syntax highlighter found.
    public func style(for kind: TokenKind) -> Style {
        switch kind {
        case .plain: .plain
        case .keyword: keyword
        case .string: string
        case .comment: comment
        case .number: number
        case .literal: literal
        case .type: type
        case .attribute: attribute
        case .variable: variable
        case .key: key
        case .prompt: prompt
        }
    }
}

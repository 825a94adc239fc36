/// The rule for deck names, the same wherever a name enters a store: `recall add`, `import`
/// (`--deck`, a file's name, a `#deck:` header or deck column), `deck rename`, `config --deck`,
/// and deck files read by `import` and `sync`. Here, below every module that takes names, so
/// that there is one rule.
///
/// A name is one or more parts joined by `::` (`parent::child`). Each part is not empty and
/// neither starts nor ends with a space or a colon; no character is a control character (deck
/// names are printed in tables and messages, and are compared and sorted as they are written).
/// A colon at either end of a part would make a run of three or more colons, which reads as
/// `a::` + `:b` or as `a:` + `b` (`a:::b` was listed under both `a` and `a:`).
public enum DeckName {
    /// Why `name` cannot name a deck (`it starts or ends with a space`), or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if let control = name.unicodeScalars.first(where: isControl) {
            return "it contains a control character (U+\(hex(control.value)))"
        }
        let parts = name.components(separatedBy: "::")
        if parts.contains(where: \.isEmpty) {
            return "it has an empty part (nothing before, after or between \"::\")"
        }
        if startsOrEndsWithSpace(name) { return "it starts or ends with a space" }
        if let part = parts.first(where: startsOrEndsWithSpace) {
            return "its part \(quoted(part)) starts or ends with a space"
        }
        if startsOrEndsWithColon(name) { return "it starts or ends with \":\"" }
        if let part = parts.first(where: startsOrEndsWithColon) {
            return "its part \(quoted(part)) starts or ends with \":\" (sub-decks are separated by exactly \"::\")"
        }
        return nil
    }

    /// `invalid deck name "…": why`, or nil for a valid name: the one-line message every
    /// command gives (with its own prefix: a file and line, a JSON path).
    public static func error(_ name: String) -> String? {
        problem(name).map { "invalid deck name \(quoted(name)): \($0)" }
    }

    /// `name` in double quotes for a message, with `"`, `\` and control characters escaped as
    /// in JSON (`"h\u001b[31m"`), so that no name can act on the terminal that shows it.
    public static func quoted(_ name: String) -> String {
        var result = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if isControl(scalar) {
                    result += "\\u" + hex(scalar.value).lowercased()
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    private static func startsOrEndsWithSpace(_ text: String) -> Bool {
        (text.first?.isWhitespace ?? false) || (text.last?.isWhitespace ?? false)
    }

    private static func startsOrEndsWithColon(_ text: String) -> Bool {
        text.hasPrefix(":") || text.hasSuffix(":")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension DeckName {
    /// The id a deck created as `name` gets: the same on every store, so that two stores that
    /// each create "Spanish" (or the bundled deck) before they first sync have one deck, not
    /// two. The id stays when the deck is renamed (sync merges the name as a field); a store
    /// that already used it for another deck makes a fresh one (`Store.ensureDeck`).
    public static func stableID(_ name: String) -> String {
        var hash = FNV64()
        hash.add("deck\u{0}")
        hash.add(name)
        return hash.hex
    }
}

import Foundation
import RecallModel

/// A JSON value with a stable, diff-friendly serialisation: keys sorted, two-space indentation,
/// `"key": value`. Written by hand because Foundation's pretty printer differs between
/// platforms and versions, and export files must be byte-identical across machines.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Pretty-printed text, without a trailing newline.
    public func formatted() -> String {
        var out = ""
        write(to: &out, indent: 0)
        return out
    }

    /// One-line text (no spaces), for JSON Lines style output.
    public func compact() -> String {
        var out = ""
        writeCompact(to: &out)
        return out
    }

    private func write(to out: inout String, indent: Int) {
        switch self {
        case let .array(items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                item.write(to: &out, indent: indent + 2)
                out += index == items.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case let .object(members):
            if members.isEmpty { out += "{}"; return }
            out += "{\n"
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                Self.writeString(key, to: &out)
                out += ": "
                members[key]?.write(to: &out, indent: indent + 2)
                out += index == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            writeCompact(to: &out)
        }
    }

    private func writeCompact(to out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(value): out += value ? "true" : "false"
        case let .int(value): out += String(value)
        case let .double(value): out += Self.number(value)
        case let .string(value): Self.writeString(value, to: &out)
        case let .array(items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.writeCompact(to: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.writeString(key, to: &out)
                out += ":"
                members[key]?.writeCompact(to: &out)
            }
            out += "}"
        }
    }

    /// Shortest text that reads back as the same Double; integral values keep a `.0`-free form
    /// only when they are whole, so `2.0` is written `2.0` (still a JSON number).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return "\(value)"
    }

    /// A JSON string by the one escaper (`JSONEscape`), which deck files use too.
    static func writeString(_ string: String, to out: inout String) {
        out += JSONEscape.quoted(string)
    }
}

import CCmark
import Foundation
import RecallAnki

/// Fixtures in Tests/Fixtures/anki (copied from shared/fixtures/anki), found from this file's path.
enum AnkiFixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("anki")

    static let packageNames = ["basic", "reverse", "cloze", "nested", "media"]

    static func expected(_ name: String) throws -> ExpectedPackage {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".expected.json"))
        return try JSONDecoder().decode(ExpectedPackage.self, from: data)
    }
}

/// The parts of an `X.expected.json` that say how Anki rendered each card.
struct ExpectedPackage: Decodable {
    struct NoteType: Decodable {
        struct Template: Decodable {
            let name: String
            let qfmt: String
            let afmt: String
        }
        let name: String
        let kind: String
        let fields: [String]
        let templates: [Template]
    }
    struct Note: Decodable {
        let guid: String
        let notetype: String
        let deck: String
        let tags: [String]
        let fields: [String: String]
        let cards: [Card]
    }
    struct Card: Decodable {
        let ord: Int
        let template: String
        let deck: String
        let front_text: String
        let back_text: String
        let front_html: String
        let back_html: String
    }
    let notetypes: [NoteType]
    let notes: [Note]

    func noteType(named name: String) -> AnkiNoteType? {
        guard let index = notetypes.firstIndex(where: { $0.name == name }) else { return nil }
        let type = notetypes[index]
        return AnkiNoteType(
            id: Int64(index + 1), name: type.name, kind: type.kind == "cloze" ? .cloze : .standard,
            fieldNames: type.fields,
            templates: type.templates.map { AnkiCardTemplate(name: $0.name, questionFormat: $0.qfmt, answerFormat: $0.afmt) })
    }

    func ankiNote(_ note: Note, of type: AnkiNoteType) -> AnkiNote {
        AnkiNote(
            id: 1, guid: note.guid, noteTypeID: type.id, modified: 0, tags: note.tags,
            fields: type.fieldNames.map { note.fields[$0] ?? "" })
    }
}

/// A note type for hand-made tests.
func noteType(
    _ fields: [String], _ templates: [(String, String)], kind: AnkiNoteType.Kind = .standard, name: String = "Test"
) -> AnkiNoteType {
    AnkiNoteType(
        id: 1, name: name, kind: kind, fieldNames: fields,
        templates: templates.enumerated().map { AnkiCardTemplate(name: "Card \($0.offset + 1)", questionFormat: $0.element.0, answerFormat: $0.element.1) })
}

func note(_ fields: [String], tags: [String] = []) -> AnkiNote {
    AnkiNote(id: 1, guid: "g", noteTypeID: 1, modified: 0, tags: tags, fields: fields)
}

/// Whitespace runs as one space, ends trimmed: how the fixtures' README says to compare text
/// made by converters that disagree about line breaks.
func collapsed(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

/// What a reader sees of `markdown`: cmark's parse, its text, code and code blocks, breaks as
/// newlines, images left out (they show as pictures). This is the review screen's reading, so
/// a test on it checks meaning, not spelling (`**b**` and `b` read the same words).
func shownText(ofMarkdown markdown: String) -> String {
    guard let document = markdown.withCString({ cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }) else {
        return ""
    }
    defer { cmark_node_free(document) }
    var out = ""
    func walk(_ node: OpaquePointer) {
        let type = cmark_node_get_type(node)
        switch type {
        case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_HTML_INLINE:
            out += String(cString: cmark_node_get_literal(node))
            return
        case CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_BLOCK:
            out += "\n" + String(cString: cmark_node_get_literal(node)) + "\n"
            return
        case CMARK_NODE_SOFTBREAK:
            out += " "
            return
        case CMARK_NODE_LINEBREAK:
            out += "\n"
            return
        case CMARK_NODE_IMAGE:
            return
        default:
            break
        }
        var child = cmark_node_first_child(node)
        while let current = child {
            walk(current)
            child = cmark_node_next(current)
        }
        if type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM { out += "\n" }
    }
    walk(document)
    return out
}

/// The Markdown structure cmark reads: node kinds in document order, for tests that check
/// a list is a list and code is code.
func markdownNodeKinds(_ markdown: String) -> [String] {
    guard let document = markdown.withCString({ cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }),
        let iterator = cmark_iter_new(document)
    else { return [] }
    defer {
        cmark_iter_free(iterator)
        cmark_node_free(document)
    }
    var kinds: [String] = []
    while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
        guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else {
            continue
        }
        kinds.append(String(cString: cmark_node_get_type_string(node)))
    }
    return kinds
}

/// A small deterministic generator (a 64-bit LCG) for property tests that must fail the same way twice.
struct SeededRandom {
    var seed: UInt64

    mutating func next() -> Int {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(seed >> 33)
    }
}

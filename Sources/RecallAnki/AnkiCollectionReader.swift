import Foundation
import RecallStore
import SwiftProtobuf

/// Reads an Anki collection's SQLite file (schema 11 or 18) into `AnkiCollection`, through
/// RecallStore's `Database` (the one SQLite layer), opened read-only.
///
/// Schema 11 keeps note types, decks and deck options as JSON in the `col` row; schema 18 has
/// tables for them whose `config`/`kind` columns are protobuf, and writes deck names with
/// `\u{1f}` between levels.
enum AnkiCollectionReader {
    static func read(file: String, package: String, entry: String) throws(AnkiPackageError) -> AnkiCollection {
        func bad(_ reason: String) -> AnkiPackageError { .badCollection(path: package, entry: entry, reason: reason) }
        guard let handle = FileHandle(forReadingAtPath: file) else { throw bad("cannot read the extracted file") }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw bad("it is not an SQLite database") }
        do {
            let db = try Database(path: file, create: false, immutable: true)
            guard let (version, created) = try db.row("SELECT ver, crt FROM col", [], { ($0.intValue(0), $0.int64Value(1)) }) else {
                throw bad("its col table is empty")
            }
            var collection = AnkiCollection(schemaVersion: version, createdAt: created)
            switch version {
            case 11: try readSchema11(db, into: &collection, bad: bad)
            case 18: try readSchema18(db, into: &collection, bad: bad)
            default: throw AnkiPackageError.unknownSchema(path: package, entry: entry, version: version)
            }
            try readNotesCardsRevlog(db, into: &collection)
            return collection
        } catch let error as AnkiPackageError {
            throw error
        } catch let error as StoreError {
            throw bad(error.description)
        } catch {
            throw bad("\(error)")
        }
    }

    // MARK: Schema 11 (JSON in `col`)

    private static func readSchema11(_ db: Database, into collection: inout AnkiCollection,
                                     bad: (String) -> AnkiPackageError) throws {
        guard let row = try db.row("SELECT models, decks, dconf, conf FROM col", [], {
            ($0.textValue(0), $0.textValue(1), $0.textValue(2), $0.textValue(3))
        }) else { throw bad("its col table is empty") }
        func object(_ text: String, _ what: String) throws -> [String: Any] {
            if text.isEmpty { return [:] }
            guard let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw bad("col.\(what) is not a JSON object")
            }
            return value
        }
        for (_, value) in try object(row.0, "models") {
            guard let model = value as? [String: Any], let id = int64(model["id"]) else { throw bad("a note type in col.models has no id") }
            let fields = ((model["flds"] as? [[String: Any]]) ?? []).sorted { (int64($0["ord"]) ?? 0) < (int64($1["ord"]) ?? 0) }
            let templates = ((model["tmpls"] as? [[String: Any]]) ?? []).sorted { (int64($0["ord"]) ?? 0) < (int64($1["ord"]) ?? 0) }
            collection.noteTypes.append(AnkiNoteType(
                id: id, name: model["name"] as? String ?? "", kind: int64(model["type"]) == 1 ? .cloze : .standard,
                fieldNames: fields.map { $0["name"] as? String ?? "" },
                templates: templates.map {
                    AnkiCardTemplate(name: $0["name"] as? String ?? "", questionFormat: $0["qfmt"] as? String ?? "",
                                     answerFormat: $0["afmt"] as? String ?? "")
                },
                css: model["css"] as? String ?? ""))
        }
        for (_, value) in try object(row.1, "decks") {
            guard let deck = value as? [String: Any], let id = int64(deck["id"]) else { throw bad("a deck in col.decks has no id") }
            let name = deck["name"] as? String ?? ""
            let filtered = int64(deck["dyn"]) == 1
            collection.decks.append(AnkiDeck(id: id, nameParts: name.components(separatedBy: "::"),
                                             configID: filtered ? nil : int64(deck["conf"]) ?? 1))
        }
        for (_, value) in try object(row.2, "dconf") {
            guard let conf = value as? [String: Any], let id = int64(conf["id"]) else { continue }
            let new = conf["new"] as? [String: Any] ?? [:]
            let rev = conf["rev"] as? [String: Any] ?? [:]
            let lapse = conf["lapse"] as? [String: Any] ?? [:]
            let parameters = doubles(conf["fsrsParams6"]).isEmpty ? doubles(conf["fsrsWeights"]) : doubles(conf["fsrsParams6"])
            collection.deckConfigs.append(AnkiDeckConfig(
                id: id, name: conf["name"] as? String ?? "", newPerDay: Int(int64(new["perDay"]) ?? 20),
                reviewsPerDay: Int(int64(rev["perDay"]) ?? 200), learningSteps: doubles(new["delays"]),
                relearningSteps: doubles(lapse["delays"]), maximumInterval: Int(int64(rev["maxIvl"]) ?? 36_500),
                desiredRetention: (conf["desiredRetention"] as? NSNumber)?.doubleValue ?? 0.9, fsrsParameters: parameters))
        }
        if let fsrs = (try? object(row.3, "conf"))?["fsrs"] as? Bool { collection.fsrsEnabled = fsrs }
        collection.noteTypes.sort { $0.id < $1.id }
        collection.decks.sort { $0.id < $1.id }
        collection.deckConfigs.sort { $0.id < $1.id }
    }

    private static func int64(_ value: Any?) -> Int64? {
        switch value {
        case let number as NSNumber: return number.int64Value
        case let text as String: return Int64(text)
        default: return nil
        }
    }

    private static func doubles(_ value: Any?) -> [Double] {
        (value as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } ?? []
    }

    // MARK: Schema 18 (tables, protobuf configs)

    private static func blob(_ row: Statement, _ column: Int32) -> Data {
        row.withUTF8(column) { Data($0) }
    }

    private static func readSchema18(_ db: Database, into collection: inout AnkiCollection,
                                     bad: @escaping (String) -> AnkiPackageError) throws {
        var fields: [Int64: [String]] = [:]
        for (noteType, name) in try db.rows("SELECT ntid, name FROM fields ORDER BY ntid, ord", [], { ($0.int64Value(0), $0.textValue(1)) }) {
            fields[noteType, default: []].append(name)
        }
        var templates: [Int64: [AnkiCardTemplate]] = [:]
        for (noteType, name, config) in try db.rows("SELECT ntid, name, config FROM templates ORDER BY ntid, ord", [], {
            ($0.int64Value(0), $0.textValue(1), blob($0, 2))
        }) {
            guard let message = try? AnkiPackage_Notetype.Template.Config(serializedBytes: config) else {
                throw bad("template \"\(name)\" has a damaged config")
            }
            templates[noteType, default: []].append(AnkiCardTemplate(name: name, questionFormat: message.qFormat,
                                                                     answerFormat: message.aFormat))
        }
        for (id, name, config) in try db.rows("SELECT id, name, config FROM notetypes ORDER BY id", [], {
            ($0.int64Value(0), $0.textValue(1), blob($0, 2))
        }) {
            guard let message = try? AnkiPackage_Notetype.Config(serializedBytes: config) else {
                throw bad("note type \"\(name)\" has a damaged config")
            }
            collection.noteTypes.append(AnkiNoteType(
                id: id, name: name, kind: message.kind == .cloze ? .cloze : .standard, fieldNames: fields[id] ?? [],
                templates: templates[id] ?? [], css: message.css))
        }
        for (id, name, kind) in try db.rows("SELECT id, name, kind FROM decks ORDER BY id", [], {
            ($0.int64Value(0), $0.textValue(1), blob($0, 2))
        }) {
            guard let container = try? AnkiPackage_Deck.KindContainer(serializedBytes: kind) else {
                throw bad("deck \"\(name)\" has a damaged kind")
            }
            var configID: Int64?
            if case let .normal(normal)? = container.kind { configID = normal.configID }
            collection.decks.append(AnkiDeck(id: id, nameParts: name.components(separatedBy: "\u{1f}"), configID: configID))
        }
        for (id, name, config) in try db.rows("SELECT id, name, config FROM deck_config ORDER BY id", [], {
            ($0.int64Value(0), $0.textValue(1), blob($0, 2))
        }) {
            guard let message = try? AnkiPackage_DeckConfig.Config(serializedBytes: config) else {
                throw bad("deck options \"\(name)\" have a damaged config")
            }
            let parameters = !message.fsrsParams6.isEmpty ? message.fsrsParams6
                : !message.fsrsParams5.isEmpty ? message.fsrsParams5 : message.fsrsParams4
            collection.deckConfigs.append(AnkiDeckConfig(
                id: id, name: name, newPerDay: Int(message.newPerDay), reviewsPerDay: Int(message.reviewsPerDay),
                learningSteps: message.learnSteps.map(Double.init), relearningSteps: message.relearnSteps.map(Double.init),
                maximumInterval: Int(message.maximumReviewInterval),
                desiredRetention: message.desiredRetention > 0 ? Double(message.desiredRetention) : 0.9,
                fsrsParameters: parameters.map { Double($0) }))
        }
        if let fsrs = try db.row("SELECT val FROM config WHERE KEY = 'fsrs'", [], { blob($0, 0) }) {
            collection.fsrsEnabled = String(decoding: fsrs, as: UTF8.self).trimmingCharacters(in: .whitespaces) == "true"
        }
    }

    // MARK: Notes, cards, revlog (the same in both schemas)

    /// A note's fields, split at U+001F (one byte in UTF-8, never part of another character).
    static func fields(_ text: String) -> [String] {
        text.utf8.split(separator: 0x1F, omittingEmptySubsequences: false).map { String(Substring($0)) }
    }

    private static func readNotesCardsRevlog(_ db: Database, into collection: inout AnkiCollection) throws {
        collection.notes = try db.rows("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id", []) {
            AnkiNote(id: $0.int64Value(0), guid: $0.textValue(1), noteTypeID: $0.int64Value(2), modified: $0.int64Value(3),
                     tags: $0.textValue(4).split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).map(String.init),
                     fields: fields($0.textValue(5)))
        }
        collection.cards = try db.rows(
            """
            SELECT id, nid, did, ord, mod, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data
            FROM cards ORDER BY nid, ord
            """, []
        ) {
            AnkiCard(id: $0.int64Value(0), noteID: $0.int64Value(1), deckID: $0.int64Value(2), ordinal: $0.intValue(3),
                     modified: $0.int64Value(4), type: $0.intValue(5), queue: $0.intValue(6), due: $0.int64Value(7),
                     interval: $0.intValue(8), factor: $0.intValue(9), reps: $0.intValue(10), lapses: $0.intValue(11),
                     left: $0.intValue(12), originalDue: $0.int64Value(13), originalDeckID: $0.int64Value(14),
                     flags: $0.intValue(15) & 7, data: $0.textValue(16))
        }
        // By card, then time. Read in the table's order and sorted here: SQLite's ORDER BY walks
        // the index by card and looks every row up (or sorts with its own sorter), ten times slower.
        collection.revlog = try db.rows("SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog", []) {
            AnkiRevlogEntry(id: $0.int64Value(0), cardID: $0.int64Value(1), ease: $0.intValue(2), interval: $0.int64Value(3),
                            lastInterval: $0.int64Value(4), factor: $0.intValue(5), timeMS: $0.int64Value(6), type: $0.intValue(7))
        }
        collection.revlog.sort { $0.cardID != $1.cardID ? $0.cardID < $1.cardID : $0.id < $1.id }
    }
}

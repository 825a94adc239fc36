import Foundation
import RecallStore

/// Why a package could not be written; the description is the one line the user sees.
public struct AnkiWriteError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Writes an `AnkiCollection` as an `.apkg` that current Anki imports with everything in it.
///
/// The generation written is Anki's "legacy 2" export (what Anki itself writes with "Support
/// older Anki versions" ticked): a `meta` entry `08 02`, the collection as a plain schema-11
/// SQLite file in `collection.anki21`, the JSON media map, one zip entry per media file, and the
/// `collection.anki2` decoy that asks an Anki too old to read the rest to update. Every Anki
/// since 2.1.0 reads it, the phone apps included, and it needs neither zstd nor protobuf.
///
/// Atomic: the package is built in a hidden file beside the target and renamed over it at the
/// end, so a failure leaves the target as it was.
public enum AnkiPackageWriter {
    /// What the collection's `col` row says about days, beyond `createdAt`.
    public struct Options: Sendable {
        /// The hour of the local day at which a scheduling day starts (Anki's `rollover`).
        public var rolloverHour: Int
        /// The local time's offset from UTC at `createdAt`, in minutes *west* of UTC, as Anki
        /// keeps it (`creationOffset`: UTC+1 is -60).
        public var creationOffsetMinutes: Int
        /// Modification time written on the collection, deck options and note types, unix seconds.
        public var modified: Int64

        public init(rolloverHour: Int = 4, creationOffsetMinutes: Int = 0, modified: Int64) {
            self.rolloverHour = rolloverHour
            self.creationOffsetMinutes = creationOffsetMinutes
            self.modified = modified
        }
    }

    /// Writes a package of `collection` to `path`, its collection file being `collectionFile`
    /// (finished: `AnkiCollectionFile.finish`). `mediaContent` gives the file holding each media
    /// file's bytes (`collection.media`), or nil when the store lacks it (an error: a package
    /// that names a file it does not carry would lose it).
    static func write(
        _ collection: AnkiCollection, collectionFile: AnkiCollectionFile, to path: String, options: Options,
        mediaContent: (AnkiMediaFile) -> String?
    ) throws(AnkiWriteError) {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw AnkiWriteError("\(path) is a folder; give a file name for the package")
        }
        guard fileManager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AnkiWriteError("cannot write \(path): folder \(folder.path) does not exist")
        }
        let partial = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? fileManager.removeItem(at: partial) }
        let decoyFile = try AnkiCollectionFile.written(decoy(createdAt: collection.createdAt, modified: options.modified),
                                                       options: options)
        var mediaMap: [String: String] = [:]
        var mediaFiles: [(entry: String, file: String)] = []
        for media in collection.media {
            guard let file = mediaContent(media), fileManager.isReadableFile(atPath: file) else {
                throw AnkiWriteError("media file \(media.name) is missing from the store's media folder")
            }
            mediaMap[media.zipEntry] = media.name
            mediaFiles.append((media.zipEntry, file))
        }
        do {
            let zip = try AnkiZipWriter(path: partial.path, modified: Date(timeIntervalSince1970: Double(options.modified)))
            try zip.add("meta", data: Data([0x08, 0x02]), deflate: false)
            try zip.add("collection.anki21", file: collectionFile.path, deflate: true)
            try zip.add("collection.anki2", file: decoyFile.path, deflate: true)
            let map = try JSONSerialization.data(withJSONObject: mediaMap, options: [.sortedKeys])
            try zip.add("media", data: map, deflate: false)
            for (entry, file) in mediaFiles {
                try zip.add(entry, file: file, deflate: true)
            }
            try zip.finish()
        } catch let error as AnkiWriteError {
            throw error
        } catch {
            throw AnkiWriteError("cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(partial.path, target.path) == 0 else {
            throw AnkiWriteError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The collection an Anki too old for `collection.anki21` opens instead: one note asking to
    /// update, as Anki's own exports carry.
    static func decoy(createdAt: Int64, modified: Int64) -> AnkiCollection {
        let basic = AnkiNoteType(
            id: 1_000_000_000_001, name: "Basic", kind: .standard, fieldNames: ["Front", "Back"],
            templates: [AnkiCardTemplate(name: "Card 1", questionFormat: "{{Front}}",
                                         answerFormat: "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}")])
        let text = "Please update to the latest Anki version, then import the .colpkg/.apkg file again."
        return AnkiCollection(
            schemaVersion: 11, createdAt: createdAt, noteTypes: [basic],
            decks: [AnkiDeck(id: 1, nameParts: ["Default"], configID: 1)],
            notes: [AnkiNote(id: 1_000_000_000_002, guid: "recall-decoy", noteTypeID: basic.id, modified: modified,
                             tags: [], fields: [text, text])],
            cards: [AnkiCard(id: 1_000_000_000_003, noteID: 1_000_000_000_002, deckID: 1, ordinal: 0, modified: modified,
                             type: 0, queue: 0, due: 1, interval: 0, factor: 0, reps: 0, lapses: 0, left: 0)])
    }

    // MARK: - The collection's SQLite file

    /// Anki's schema 11, as Anki itself writes it in a legacy export, without its indexes: a
    /// package is read once, whole, by an import that builds its own collection's indexes, and
    /// leaving them out makes a 500,000-review package a third smaller and faster to write and to
    /// import (checked with Anki's importer: scripts/check-anki-export, scripts/bench-anki.sh).
    static let schema = """
        CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL, scm integer NOT NULL,
          ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL, ls integer NOT NULL, conf text NOT NULL,
          models text NOT NULL, decks text NOT NULL, dconf text NOT NULL, tags text NOT NULL);
        CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL, mod integer NOT NULL,
          usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL, sfld integer NOT NULL, csum integer NOT NULL,
          flags integer NOT NULL, data text NOT NULL);
        CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL, ord integer NOT NULL,
          mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL, queue integer NOT NULL, due integer NOT NULL,
          ivl integer NOT NULL, factor integer NOT NULL, reps integer NOT NULL, lapses integer NOT NULL,
          left integer NOT NULL, odue integer NOT NULL, odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
        CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL, ease integer NOT NULL,
          ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL, time integer NOT NULL,
          type integer NOT NULL);
        CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
        """

    static func json(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Text of a field without its tags: Anki's sort field and checksum input (Anki recomputes
    /// both on import; these keep the file consistent for readers that do not).
    static func stripHTML(_ html: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(html.utf8.count)
        var inTag = false
        var hasEntity = false
        for byte in html.utf8 {
            if byte == UInt8(ascii: "<") {
                inTag = true
            } else if byte == UInt8(ascii: ">") && inTag {
                inTag = false
            } else if !inTag {
                bytes.append(byte)
                hasEntity = hasEntity || byte == UInt8(ascii: "&")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard hasEntity else { return text }
        return text.replacingOccurrences(of: "&nbsp;", with: " ").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func configJSON(_ collection: AnkiCollection, _ options: Options) -> [String: Any] {
        [
            "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0, "estTimes": true,
            "dueCounts": true, "curModel": collection.noteTypes.first?.id ?? 1, "nextPos": collection.cards.count + 1,
            "sortType": "noteFld", "sortBackwards": false, "addToCur": true, "dayLearnFirst": false,
            "schedVer": 2, "sched2021": true, "creationOffset": options.creationOffsetMinutes,
            "rollover": options.rolloverHour, "fsrs": collection.fsrsEnabled ?? true,
        ]
    }

    static func modelsJSON(_ collection: AnkiCollection, _ options: Options) -> [String: Any] {
        var models: [String: Any] = [:]
        for type in collection.noteTypes {
            let templates: [[String: Any]] = type.templates.enumerated().map { index, template in
                ["name": template.name, "ord": index, "qfmt": template.questionFormat, "afmt": template.answerFormat,
                 "bqfmt": "", "bafmt": "", "did": NSNull(), "bfont": "", "bsize": 0]
            }
            let fields: [[String: Any]] = type.fieldNames.enumerated().map { index, name in
                ["name": name, "ord": index, "sticky": false, "rtl": false, "font": "Arial", "size": 20,
                 "description": "", "plainText": false, "collapsed": false, "excludeFromSearch": false,
                 "media": [String]()]
            }
            models[String(type.id)] = [
                "id": type.id, "name": type.name, "type": type.kind == .cloze ? 1 : 0, "mod": options.modified,
                "usn": -1, "sortf": 0, "did": NSNull(), "tmpls": templates, "flds": fields, "css": type.css,
                "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
                "latexPost": "\\end{document}", "latexsvg": false, "req": [[0, "any", [0]]], "tags": [String](),
                "vers": [Int](),
            ] as [String: Any]
        }
        return models
    }

    static func decksJSON(_ collection: AnkiCollection, _ options: Options) -> [String: Any] {
        var decks: [String: Any] = [:]
        var all = collection.decks
        if !all.contains(where: { $0.id == 1 }) { all.append(AnkiDeck(id: 1, nameParts: ["Default"], configID: 1)) }
        for deck in all {
            decks[String(deck.id)] = [
                "id": deck.id, "name": deck.name, "mod": options.modified, "usn": -1, "lrnToday": [0, 0],
                "revToday": [0, 0], "newToday": [0, 0], "timeToday": [0, 0], "collapsed": false,
                "browserCollapsed": false, "desc": "", "dyn": 0, "conf": deck.configID ?? 1, "extendNew": 0,
                "extendRev": 0,
            ] as [String: Any]
        }
        return decks
    }

    static func deckConfigsJSON(_ collection: AnkiCollection, _ options: Options) -> [String: Any] {
        var configs: [String: Any] = [:]
        var all = collection.deckConfigs
        if !all.contains(where: { $0.id == 1 }) {
            all.append(AnkiDeckConfig(
                id: 1, name: "Default", newPerDay: 20, reviewsPerDay: 200, learningSteps: [1, 10], relearningSteps: [10],
                maximumInterval: 36500, desiredRetention: 0.9, fsrsParameters: []))
        }
        for config in all {
            configs[String(config.id)] = [
                "id": config.id, "mod": config.id == 1 ? 0 : options.modified, "name": config.name, "usn": -1,
                "maxTaken": 60, "autoplay": true, "timer": 0, "replayq": true, "dyn": false,
                "new": ["bury": false, "delays": config.learningSteps, "initialFactor": 2500, "ints": [1, 4, 0], "order": 1,
                        "perDay": config.newPerDay] as [String: Any],
                "rev": ["bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": config.maximumInterval,
                        "perDay": config.reviewsPerDay, "hardFactor": 1.2] as [String: Any],
                "lapse": ["delays": config.relearningSteps, "leechAction": 1, "leechFails": 8, "minInt": 1,
                          "mult": 0.0] as [String: Any],
                "newMix": 0, "newPerDayMinimum": 0, "interdayLearningMix": 0, "reviewOrder": 0, "newSortOrder": 0,
                "newGatherPriority": 0, "buryInterdayLearning": false, "fsrsWeights": [Double](),
                "fsrsParams5": [Double](), "fsrsParams6": config.fsrsParameters.count == 21 ? config.fsrsParameters : [],
                "desiredRetention": config.desiredRetention, "ignoreRevlogsBeforeDate": "", "sm2Retention": 0.9,
                "weightSearch": "",
            ] as [String: Any]
        }
        return configs
    }
}

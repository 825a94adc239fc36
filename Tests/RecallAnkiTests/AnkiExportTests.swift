import Foundation
import RecallAnki
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore
import Testing
import ZIPFoundation

/// A package written by `StoreToAnki`, opened the way Anki opens it: the zip's entries, and the
/// collection in `collection.anki21` read through recall's own SQLite layer.
final class WrittenPackage {
    let folder: URL
    let entries: [String: Data]
    let db: Database

    init(_ path: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recall-apkg-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var entries: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            entries[entry.path] = data
        }
        self.entries = entries
        let collection = folder.appendingPathComponent("collection.anki21")
        try (entries["collection.anki21"] ?? Data()).write(to: collection)
        db = try Database(path: collection.path, create: false)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func ints(_ sql: String) throws -> [[Int64]] {
        try db.rows(sql) { row in (0..<Int32(row.columnCount)).map { row.int64Value($0) } }
    }

    func texts(_ sql: String) throws -> [String] {
        try db.rows(sql) { $0.textValue(0) }
    }

    func colJSON(_ column: String) throws -> [String: Any] {
        let text = try texts("SELECT \(column) FROM col").first ?? "{}"
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Deck names by id, from the `decks` JSON of the `col` row.
    func deckNames() throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        for case let deck as [String: Any] in try colJSON("decks").values {
            names[(deck["id"] as? NSNumber)?.int64Value ?? 0] = deck["name"] as? String
        }
        return names
    }
}

/// A store in its own temporary folder.
final class ScratchStore {
    let folder: URL
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recall-anki-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try Store(path: folder.appendingPathComponent("recall.sqlite").path, now: ScratchStore.day0)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// 2026-03-02 10:00 UTC.
    static let day0: Millis = 1_772_445_600_000
    static let minute: Millis = 60_000
    static let day: Millis = 86_400_000
    static let utc = TimeZone(identifier: "UTC")!

    func answer(_ card: Int64, _ rating: Rating, at moment: Millis, durationMS: Int64 = 4000) throws {
        _ = try store.write { try store.answer(cardID: card, rating: rating, durationMS: durationMS, now: moment, timeZone: Self.utc) }
    }

    func export(decks: [String] = [], history: Bool = true, now: Millis? = nil) throws -> (StoreToAnki, WrittenPackage) {
        let export = try StoreToAnki(
            store: store, selection: StoreToAnki.Selection(decks: decks, history: history), now: now ?? Self.day0 + 20 * Self.day,
            timeZone: Self.utc, clozeText: CardFace.ankiClozeText)
        let target = path("out-\(UUID().uuidString).apkg")
        try export.write(to: target)
        return (export, try WrittenPackage(target))
    }
}

@Suite struct AnkiExportTests {
    @Test func aPackageIsALegacyTwoApkgWithItsDecoy() throws {
        let scratch = try ScratchStore()
        try scratch.store.write { _ = try scratch.store.addNote(deck: "D", front: "q", back: "a", now: ScratchStore.day0) }
        let (_, package) = try scratch.export()
        #expect(Set(package.entries.keys) == ["meta", "collection.anki21", "collection.anki2", "media"])
        #expect(package.entries["meta"] == Data([0x08, 0x02]))
        #expect(package.entries["media"] == Data("{}".utf8))
        #expect(try package.ints("SELECT ver FROM col") == [[11]])
        let decoy = package.folder.appendingPathComponent("decoy.anki2")
        try package.entries["collection.anki2"]?.write(to: decoy)
        let decoyDB = try Database(path: decoy.path, create: false)
        let decoyFields = try decoyDB.rows("SELECT flds FROM notes") { $0.textValue(0) }
        #expect(decoyFields.count == 1 && decoyFields[0].hasPrefix("Please update to the latest Anki version"))
    }

    @Test func notesBecomeStockNoteTypesWithTheirMarkdownAsHTML() throws {
        let scratch = try ScratchStore()
        try scratch.store.write {
            _ = try scratch.store.addNote(deck: "Lang::Go", front: "What does `len` return?", back: "The **number** of items",
                                          tags: ["go", "basics::len"], now: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "Lang::Go", kind: .reversed, front: "perro", back: "dog", ordinals: [1, 2],
                                          now: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "Lang", kind: .cloze, front: "The [mitochondria] powers the [cell].", back: "",
                                          ordinals: [1, 2], now: ScratchStore.day0)
        }
        let (_, package) = try scratch.export()
        let models = try package.colJSON("models")
        var typeNames: [Int64: String] = [:]
        for case let model as [String: Any] in models.values {
            typeNames[(model["id"] as? NSNumber)?.int64Value ?? 0] = model["name"] as? String
        }
        let notes = try package.db.rows("SELECT mid, flds, tags FROM notes ORDER BY id") {
            (typeNames[$0.int64Value(0)] ?? "?", $0.textValue(1).components(separatedBy: "\u{1f}"), $0.textValue(2))
        }
        #expect(notes.map(\.0) == ["Basic", "Basic (and reversed card)", "Cloze"])
        #expect(notes[0].1 == ["What does <code>len</code> return?", "The <strong>number</strong> of items"])
        #expect(notes[0].2 == " go basics::len ")
        #expect(notes[2].1 == ["The {{c1::mitochondria}} powers the {{c2::cell}}.", ""])
        // Cards: one per ordinal, Anki's template index (reversed card 2 and cloze 2 are `ord` 1).
        #expect(try package.ints("SELECT ord FROM cards ORDER BY id") == [[0], [0], [1], [0], [1]])
        let decks = try package.deckNames()
        let cardDecks = try package.ints("SELECT did FROM cards ORDER BY id").map { decks[$0[0]] ?? "?" }
        #expect(cardDecks == ["Lang::Go", "Lang::Go", "Lang::Go", "Lang", "Lang"])
        #expect(Set(decks.values) == ["Default", "Lang", "Lang::Go"])
    }

    @Test func scheduleAndReviewsComeAlongAsAnkiShowsThem() throws {
        let scratch = try ScratchStore()
        let ids = try scratch.store.write {
            try (1...4).map { try scratch.store.addNote(deck: "D", front: "q\($0)", back: "a", now: ScratchStore.day0)[0] }
        }
        let t0 = ScratchStore.day0
        // Card 1: learnt, then a review. Card 2: learnt, then lapsed (relearning). Card 3: in learning. Card 4: new.
        try scratch.answer(ids[0], .good, at: t0)
        try scratch.answer(ids[0], .good, at: t0 + 10 * ScratchStore.minute)
        try scratch.answer(ids[1], .easy, at: t0)
        try scratch.answer(ids[1], .again, at: t0 + 10 * ScratchStore.day)
        try scratch.answer(ids[2], .again, at: t0 + 20 * ScratchStore.day - ScratchStore.minute)
        let now = t0 + 20 * ScratchStore.day
        let (export, package) = try scratch.export(now: now)
        let clock = DayClock(timeZone: ScratchStore.utc, rolloverHour: 4)
        let crt = try package.ints("SELECT crt FROM col")[0][0]
        #expect(crt * 1000 == clock.startOfDay(clock.dayNumber(at: crt * 1000)), "crt is the start of a day")
        let crtDay = clock.dayNumber(at: crt * 1000)
        let rows = try package.ints("SELECT type, queue, due, ivl, reps, lapses, left FROM cards ORDER BY id")
        let stored = try ids.map { try scratch.store.requireCard($0).state }
        // A review card: due on the same calendar day, counted from crt.
        #expect(rows[0][0] == 2 && rows[0][1] == 2)
        #expect(rows[0][2] == Int64(clock.dayNumber(at: stored[0].due ?? 0) - crtDay))
        #expect(rows[0][3] == Int64(stored[0].intervalDays) && rows[0][4] == 2)
        // Relearning after a lapse: type 3, intraday queue due in unix seconds, one lapse.
        #expect(rows[1][0] == 3 && rows[1][1] == 1 && rows[1][2] == (stored[1].due ?? 0) / 1000 && rows[1][5] == 1)
        // Learning: type 1, queue 1, steps left.
        #expect(rows[2][0] == 1 && rows[2][1] == 1 && rows[2][2] == (stored[2].due ?? 0) / 1000 && rows[2][6] == 2)
        // New: type 0, queue 0, a position.
        #expect(rows[3][0] == 0 && rows[3][1] == 0 && rows[3][2] >= 1)
        // The revlog: one row per answer at its time in ms, with rating, duration and phase.
        let revlog = try package.ints("SELECT id, ease, time, type, ivl FROM revlog ORDER BY id")
        #expect(revlog.map { $0[0] } == [t0, t0 + 1, t0 + 10 * ScratchStore.minute, t0 + 10 * ScratchStore.day,
                                          t0 + 20 * ScratchStore.day - ScratchStore.minute])
        #expect(revlog.map { $0[1] } == [3, 4, 3, 1, 1])
        #expect(revlog.allSatisfy { $0[2] == 4000 })
        #expect(revlog.map { $0[3] } == [0, 0, 0, 1, 0], "learn, learn, learn, review (the lapse), learn")
        #expect(revlog[0][4] < 0 && revlog[2][4] > 0, "a learning step in seconds (negative), a review interval in days")
        #expect(export.counts.reviews == 5 && export.counts.cards == 4)
        // FSRS memory state in cards.data.
        let data = try package.texts("SELECT data FROM cards ORDER BY id")
        let memory = try JSONSerialization.jsonObject(with: Data(data[0].utf8)) as? [String: Any] ?? [:]
        #expect(abs((memory["s"] as? Double ?? 0) - (stored[0].stability ?? -1)) < 1e-3)
        #expect(abs((memory["d"] as? Double ?? 0) - (stored[0].difficulty ?? -1)) < 1e-3)
        #expect(memory["lrt"] as? Int64 == (stored[0].lastReview ?? 0) / 1000)
        #expect(data[3] == "")
    }

    @Test func aLearningStepOfADayIsAnkisInterdayQueueDueOnADay() throws {
        let scratch = try ScratchStore()
        let id = try scratch.store.write {
            try scratch.store.setOption("learning_steps", to: "10m 1d", deck: nil, now: ScratchStore.day0)
            return try scratch.store.addNote(deck: "D", front: "q", back: "a", now: ScratchStore.day0)[0]
        }
        try scratch.answer(id, .good, at: ScratchStore.day0)
        let state = try scratch.store.requireCard(id).state
        #expect(state.phase == .learning && state.step == 1)
        let (_, package) = try scratch.export(now: ScratchStore.day0 + ScratchStore.minute)
        let clock = DayClock(timeZone: ScratchStore.utc, rolloverHour: 4)
        let crtDay = clock.dayNumber(at: try package.ints("SELECT crt FROM col")[0][0] * 1000)
        #expect(try package.ints("SELECT type, queue, due, left FROM cards")
            == [[1, 3, Int64(clock.dayNumber(at: state.due ?? 0) - crtDay), 1]])
    }

    @Test func answersInTheSameMillisecondKeepUniqueRevlogIDs() throws {
        let scratch = try ScratchStore()
        let ids = try scratch.store.write {
            try (1...3).map { try scratch.store.addNote(deck: "D", front: "q\($0)", back: "a", now: ScratchStore.day0)[0] }
        }
        for id in ids { try scratch.answer(id, .good, at: ScratchStore.day0) }
        let (_, package) = try scratch.export()
        #expect(try package.ints("SELECT id FROM revlog ORDER BY id").map { $0[0] }
            == [ScratchStore.day0, ScratchStore.day0 + 1, ScratchStore.day0 + 2])
    }

    @Test func suspendedBuriedAndFlaggedCardsKeepTheirMarks() throws {
        let scratch = try ScratchStore()
        let (plain, reversed) = try scratch.store.write {
            (try scratch.store.addNote(deck: "D", front: "q", back: "a", now: ScratchStore.day0)[0],
             try scratch.store.addNote(deck: "D", kind: .reversed, front: "x", back: "y", ordinals: [1, 2], now: ScratchStore.day0))
        }
        try scratch.store.write { _ = try scratch.store.setSuspended([plain], true, now: ScratchStore.day0) }
        let now = ScratchStore.day0 + ScratchStore.minute
        try scratch.answer(reversed[0], .good, at: now)  // buries its sibling for the day
        let (_, package) = try scratch.export(now: now + ScratchStore.minute)
        #expect(try package.ints("SELECT queue FROM cards ORDER BY id").map { $0[0] } == [-1, 1, -2])
    }

    @Test func theMediaTheCardsShowTravelUnderTheirNames() throws {
        let scratch = try ScratchStore()
        let picture = Data([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
        // Over a megabyte, and not very compressible: deflated in several chunks.
        var state: UInt32 = 12_345
        var bytes = [UInt8](repeating: 0, count: 1_500_000)
        for index in bytes.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes[index] = UInt8(truncatingIfNeeded: state >> 24)
        }
        let sound = Data(bytes)
        try scratch.store.write {
            for (name, data) in [("pic.png", picture), ("beep.mp3", sound), ("unused.png", Data("x".utf8))] {
                let hash = try scratch.store.saveMediaContent(data)
                try scratch.store.recordMedia(name: name, sha256: hash, size: data.count, at: ScratchStore.day0)
            }
            _ = try scratch.store.addNote(deck: "D", front: "Which shape? ![](pic.png)", back: "Listen [sound:beep.mp3]",
                                          now: ScratchStore.day0)
        }
        let (export, package) = try scratch.export()
        let map = try JSONSerialization.jsonObject(with: package.entries["media"] ?? Data()) as? [String: String] ?? [:]
        #expect(Set(map.values) == ["pic.png", "beep.mp3"])
        for (entry, name) in map {
            #expect(package.entries[entry] == (name == "pic.png" ? picture : sound))
        }
        #expect(export.counts.media == 2)
        #expect(try package.texts("SELECT flds FROM notes")[0].contains("<img src=\"pic.png\""))
    }

    /// Files over 4 MB are deflated in 4 MB pieces, a core each, joined into one deflate
    /// stream: a file of three pieces, the last one short, reads back whole (the zip reader
    /// checks the CRC-32 too).
    @Test func aMediaFileOfSeveralDeflatePiecesReadsBackWhole() throws {
        let scratch = try ScratchStore()
        // Compressible, and not the same from block to block: over two 4 MB pieces, the last short.
        let size = (9 << 20) + 12_345
        let block = Array("Question and answer, and the answer's answer. ".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(size + block.count)
        var counter: UInt32 = 0
        while bytes.count < size {
            bytes += block
            counter = counter &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: counter >> 24))
        }
        let movie = Data(bytes.prefix(size))
        try scratch.store.write {
            let hash = try scratch.store.saveMediaContent(movie)
            try scratch.store.recordMedia(name: "movie.mp4", sha256: hash, size: movie.count, at: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "D", front: "Watch [sound:movie.mp4]", back: "a", now: ScratchStore.day0)
        }
        let (_, package) = try scratch.export()
        let map = try JSONSerialization.jsonObject(with: package.entries["media"] ?? Data()) as? [String: String] ?? [:]
        #expect(map == ["0": "movie.mp4"])
        #expect(package.entries["0"] == movie)
    }

    @Test func noHistoryWritesEveryCardNewWithoutRevlog() throws {
        let scratch = try ScratchStore()
        let ids = try scratch.store.write {
            try (1...3).map { try scratch.store.addNote(deck: "D", front: "q\($0)", back: "a", now: ScratchStore.day0)[0] }
        }
        try scratch.answer(ids[0], .good, at: ScratchStore.day0)
        try scratch.answer(ids[1], .easy, at: ScratchStore.day0)
        try scratch.store.write { _ = try scratch.store.setSuspended([ids[2]], true, now: ScratchStore.day0) }
        let (export, package) = try scratch.export(history: false)
        #expect(try package.ints("SELECT count(*) FROM revlog") == [[0]])
        #expect(try package.ints("SELECT type, queue, due, reps, data = '' FROM cards ORDER BY id")
            == [[0, 0, 1, 0, 1], [0, 0, 2, 0, 1], [0, 0, 3, 0, 1]])
        #expect(export.counts.reviews == 0)
    }

    @Test func aDeckSelectionExportsThatDeckAndItsSubDecksOnly() throws {
        let scratch = try ScratchStore()
        try scratch.store.write {
            _ = try scratch.store.addNote(deck: "A", front: "a", back: "1", now: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "A::B", front: "ab", back: "2", now: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "C", front: "c", back: "3", now: ScratchStore.day0)
        }
        let (_, package) = try scratch.export(decks: ["A"])
        #expect(try package.texts("SELECT sfld FROM notes ORDER BY id") == ["a", "ab"])
        #expect(Set(try package.deckNames().values) == ["Default", "A", "A::B"])
        #expect(throws: StoreError.self) { try scratch.export(decks: ["Nope"]) }
    }

    @Test func deckOptionsBecomeTheDecksOptionsGroup() throws {
        let scratch = try ScratchStore()
        try scratch.store.write {
            _ = try scratch.store.addNote(deck: "Fast", front: "a", back: "1", now: ScratchStore.day0)
            _ = try scratch.store.addNote(deck: "Slow", front: "b", back: "2", now: ScratchStore.day0)
            try scratch.store.setOption("new_per_day", to: "50", deck: "Fast", now: ScratchStore.day0)
            try scratch.store.setOption("desired_retention", to: "0.85", deck: "Fast", now: ScratchStore.day0)
            try scratch.store.setOption("learning_steps", to: "2m 30m", deck: "Fast", now: ScratchStore.day0)
            try scratch.store.setOption("maximum_interval", to: "400", deck: "Fast", now: ScratchStore.day0)
        }
        let (_, package) = try scratch.export()
        let decks = try package.colJSON("decks")
        let configs = try package.colJSON("dconf")
        func config(of name: String) -> [String: Any] {
            let deck = decks.values.compactMap { $0 as? [String: Any] }.first { $0["name"] as? String == name } ?? [:]
            return configs[String((deck["conf"] as? NSNumber)?.int64Value ?? 0)] as? [String: Any] ?? [:]
        }
        let fast = config(of: "Fast")
        let slow = config(of: "Slow")
        #expect((fast["new"] as? [String: Any])?["perDay"] as? Int == 50)
        #expect((fast["new"] as? [String: Any])?["delays"] as? [Double] == [2, 30])
        #expect((fast["rev"] as? [String: Any])?["maxIvl"] as? Int == 400)
        #expect(fast["desiredRetention"] as? Double == 0.85)
        #expect((fast["fsrsParams6"] as? [Double])?.count == 21)
        #expect((slow["new"] as? [String: Any])?["perDay"] as? Int == 20)
        #expect(slow["desiredRetention"] as? Double == 0.9)
    }

    @Test func notesThatCameFromAnkiGoBackAsTheSameAnkiNote() throws {
        let scratch = try ScratchStore()
        let ids = try scratch.store.write {
            (try scratch.store.addNote(deck: "Vocab", front: "chat", back: "cat", now: ScratchStore.day0),
             try scratch.store.addNote(deck: "Vocab", front: "cat", back: "chat", now: ScratchStore.day0))
        }
        // What the importer keeps of the Anki note (migration 0005).
        let noteType = #"{"name":"Vocab ✓","kind":"standard","fields":["Word","Meaning","Audio"],"templates":[{"name":"Recognise","qfmt":"{{Word}}","afmt":"{{Meaning}}"},{"name":"Recall","qfmt":"{{Meaning}}","afmt":"{{Word}}"}],"css":".card{}"}"#
        let raw = try Database(path: scratch.store.path, create: false)
        try raw.run("INSERT INTO anki_notes(guid, note_type, fields, tags, modified) VALUES (?, ?, ?, ?, ?)",
                    [.text("Ab#1xY"), .text(noteType), .text("<b>chat</b>\u{1f}cat\u{1f}[sound:chat.mp3]"),
                     .text("fr::animals"), .integer(ScratchStore.day0)])
        let noteIDs = try [ids.0[0], ids.1[0]].map { try scratch.store.requireCard($0).noteID }
        try raw.run("INSERT INTO anki_cards(note_id, guid, ordinal) VALUES (?, 'Ab#1xY', 0), (?, 'Ab#1xY', 1)",
                    [.integer(noteIDs[0]), .integer(noteIDs[1])])
        try scratch.answer(ids.1[0], .good, at: ScratchStore.day0)
        let (_, package) = try scratch.export()
        #expect(try package.texts("SELECT guid || '|' || flds || '|' || tags FROM notes")
            == ["Ab#1xY|<b>chat</b>\u{1f}cat\u{1f}[sound:chat.mp3]| fr::animals "])
        #expect(try package.ints("SELECT ord, type FROM cards ORDER BY ord") == [[0, 0], [1, 1]])
        let models = try package.colJSON("models").values.compactMap { $0 as? [String: Any] }
        #expect(models.count == 1)
        #expect(models.first?["name"] as? String == "Vocab ✓")
        #expect((models.first?["tmpls"] as? [[String: Any]])?.map { $0["qfmt"] as? String } == ["{{Word}}", "{{Meaning}}"])
        #expect(try package.ints("SELECT count(*) FROM revlog") == [[1]])
    }

    @Test func aFailedWriteLeavesTheTargetAsItWas() throws {
        let scratch = try ScratchStore()
        try scratch.store.write {
            try scratch.store.recordMedia(name: "gone.png", sha256: String(repeating: "0", count: 64), size: 3, at: 0)
            _ = try scratch.store.addNote(deck: "D", front: "![](gone.png)", back: "a", now: ScratchStore.day0)
        }
        let target = scratch.path("kept.apkg")
        try Data("before".utf8).write(to: URL(fileURLWithPath: target))
        let export = try StoreToAnki(store: scratch.store, selection: .init(), now: ScratchStore.day0, timeZone: ScratchStore.utc,
                                     clozeText: CardFace.ankiClozeText)
        #expect(throws: AnkiWriteError("media file gone.png is missing from the store's media folder")) {
            try export.write(to: target)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("before".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).filter { $0.hasSuffix(".partial") }.isEmpty)
        #expect(throws: AnkiWriteError.self) { try export.write(to: scratch.path("no/such/folder/x.apkg")) }
    }
}

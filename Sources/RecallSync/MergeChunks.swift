import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Which cards a merge takes together (issue 13, streaming). A merge decides each card from
/// every version of it (the store's, each file's, each tombstone's), and a few decisions span
/// cards: siblings share their note's text and fold when two claim one place, and notes of one
/// bank question become one. So cards linked by an id, a note or a bank question (`CardKeys`)
/// form a group that is merged whole, and groups, which never touch, are merged a few thousand
/// cards at a time: memory for the cards in hand, not for the files or the store.
///
/// Only hashes are kept for every card; a hash shared by two unrelated cards only puts them in
/// one group, which gives the same merge.
struct MergeChunks {
    /// One part of the merge: the store's cards (row ids), each file's cards (indices), and the
    /// tombstones whose card snapshots are versions of its cards (file or local, index).
    struct Chunk {
        var localIDs: [Int64] = []
        var sourceCards: [[Int]]
        var snapshots: [(source: Int, tombstone: Int)] = []
        var size = 0
    }

    private(set) var chunks: [Chunk] = []

    /// `localKeys`: the store's cards (row id, keys, and whether the card must be merged even
    /// when nothing else names it: its deck's options changed); `tombstones[s]` the tombstones
    /// of source `s`, the store's last (`sources.count`).
    init(
        sources: [any DeckSource], localKeys: [(id: Int64, keys: CardKeys, mustMerge: Bool)], tombstones: [[Tombstone]],
        chunkSize: Int
    ) {
        // Nodes: the store's cards, then each file's cards in order, then card snapshots.
        var bases: [Int] = []
        var count = localKeys.count
        for source in sources {
            bases.append(count)
            count += source.cardCount
        }
        var snapshotNodes: [(source: Int, tombstone: Int)] = []
        for (s, list) in tombstones.enumerated() {
            for (t, tombstone) in list.enumerated() where tombstone.kind == .card && tombstone.card != nil {
                snapshotNodes.append((s, t))
            }
        }
        let snapshotBase = count
        count += snapshotNodes.count

        var parent = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count { buffer[index] = Int32(index) }
            initialized = count
        }
        func find(_ node: Int32) -> Int32 {
            var x = node
            while parent[Int(x)] != x {
                parent[Int(x)] = parent[Int(parent[Int(x)])]
                x = parent[Int(x)]
            }
            return x
        }
        var firstWithKey: [UInt64: Int32] = Dictionary(minimumCapacity: count * 2)
        func link(_ node: Int32, _ key: UInt64) {
            guard key != 0 else { return }
            if let other = firstWithKey[key] {
                let a = find(node), b = find(other)
                if a != b { parent[Int(max(a, b))] = min(a, b) }
            } else {
                firstWithKey[key] = node
            }
        }
        var needed = [Bool](repeating: false, count: count)
        for (index, local) in localKeys.enumerated() {
            let node = Int32(index)
            link(node, local.keys.card)
            link(node, local.keys.note)
            link(node, local.keys.bank)
            if local.mustMerge { needed[index] = true }
        }
        for (s, source) in sources.enumerated() {
            for index in 0..<source.cardCount {
                let node = Int32(bases[s] + index)
                let keys = source.cardKeys(index)
                link(node, keys.card)
                link(node, keys.note)
                link(node, keys.bank)
                needed[Int(node)] = true
            }
        }
        for (n, entry) in snapshotNodes.enumerated() {
            let tombstone = tombstones[entry.source][entry.tombstone]
            guard let card = tombstone.card else { continue }
            let node = Int32(snapshotBase + n)
            link(node, CardKeys.hash(tombstone.id))
            link(node, CardKeys.hash(card.note))
            link(node, CardKeys.bankHash(card.origin))
            needed[Int(node)] = true
        }
        // A card or note tombstone decides about every card it names: theirs are merged.
        for list in tombstones {
            for tombstone in list where tombstone.kind != .deck {
                if let node = firstWithKey[CardKeys.hash(tombstone.id)] { needed[Int(node)] = true }
            }
        }
        firstWithKey = [:]

        // Groups in the order of their first node (the store's cards by id, then the files' in
        // order), packed into chunks of about `chunkSize` versions.
        var size = [Int32](repeating: 0, count: count)
        var groupNeeded = [Bool](repeating: false, count: count)
        for node in 0..<count {
            let root = find(Int32(node))
            size[Int(root)] += 1
            if needed[node] { groupNeeded[Int(root)] = true }
        }
        // Each node's root, in place (path halving leaves some nodes below another).
        for node in 0..<count { parent[node] = find(Int32(node)) }
        needed = []
        var chunkOf = [Int32](repeating: -1, count: count)
        var chunks: [Chunk] = []
        for node in 0..<count {
            let root = Int(parent[node])
            guard groupNeeded[root], chunkOf[root] < 0 else { continue }
            let groupSize = Int(size[root])
            if chunks.isEmpty || (chunks[chunks.count - 1].size > 0 && chunks[chunks.count - 1].size + groupSize > chunkSize) {
                chunks.append(Chunk(sourceCards: Array(repeating: [], count: sources.count)))
            }
            chunks[chunks.count - 1].size += groupSize
            chunkOf[root] = Int32(chunks.count - 1)
        }
        for node in 0..<count {
            let chunk = Int(chunkOf[Int(parent[node])])
            guard chunk >= 0 else { continue }
            if node < localKeys.count {
                chunks[chunk].localIDs.append(localKeys[node].id)
            } else if node < snapshotBase {
                var s = sources.count - 1
                while bases[s] > node { s -= 1 }
                chunks[chunk].sourceCards[s].append(node - bases[s])
            } else {
                chunks[chunk].snapshots.append(snapshotNodes[node - snapshotBase])
            }
        }
        self.chunks = chunks
    }
}

extension DeckMerge {
    /// How many card versions a merge takes at a time (`MergeChunks`). Tests set it small, so
    /// that their merges run in many chunks.
    @TaskLocal static var chunkSize = 4096

    /// From this many reviews in the files, `write` puts SQLite's temporary files on disk.
    static let largeMergeReviews = 1_000_000

    /// Runs `body`, a merge of `sources` into `store`, in one write transaction, with the
    /// settings its size calls for (SQLite refuses both switches inside a transaction):
    /// - for a large merge, temporary files go to disk (`Store.useDiskForTemporaryFiles`), since
    ///   building the log's indexes afterwards sorts every review, which in memory would take
    ///   memory in proportion to them;
    /// - a merge of more than one chunk into a store without cards, which only appends, is
    ///   journalled without the write-ahead log (`Store.writeInBulk`), so that its pages are
    ///   written once.
    public static func write<T>(_ store: Store, merging sources: [any DeckSource], _ body: () throws -> T) throws -> T {
        if sources.reduce(0, { $0 + $1.reviewCount }) >= largeMergeReviews { try store.useDiskForTemporaryFiles() }
        return try store.write(adding: sources.reduce(0) { $0 + $1.cardCount }, bulkFrom: chunkSize + 1, body)
    }

    /// Merges deck files, given as sources that hand their cards over a chunk at a time, into
    /// `store` (the rules: `DeckMerge`). Decks, tombstones and the store's keys are read whole;
    /// cards are merged group by group (`MergeChunks`), each chunk planned (`MergePlanner`) and
    /// written (`MergeApply`) before the next is read. Call inside `Store.write { }`.
    public static func merge(
        sources: [any DeckSource], into store: Store, timeZone: TimeZone, trash: (reason: String, now: Millis)? = nil,
        phase: ((String) -> Void)? = nil
    ) throws -> MergeReport {
        let phase = phase ?? { _ in }
        // Reading the files' headers and keys freed more than it keeps: give it back first.
        releaseFreedMemory()
        try store.prepareForBulkWork(cacheMegabytes: 16)
        let localDecks = try store.syncDecks()
        let localTombstones = try store.syncTombstones()
        let trashedReviews = try store.trashedReviewsByGUID()
        let fileTombstones = sources.map(\.tombstones)
        let headers = sources.map(\.deckHeaders)

        // Decks and tombstones, merged whole: every chunk sees them all.
        let whole = MergePlanner(
            rows: MergeRows(decks: localDecks, tombstones: localTombstones),
            files: zip(headers, fileTombstones).map { DeckFile(decks: $0.0, tombstones: $0.1) })
        var optionsChanged = Set<String>()
        var localDeckGUIDs: [Int64: String] = [:]
        for deck in localDecks {
            localDeckGUIDs[deck.id] = deck.guid
            if let version = whole.decks[deck.guid], Store.configText(deck.config) != version.configText {
                optionsChanged.insert(deck.guid)
            }
        }

        var optionsChangedDeckIDs = Set<Int64>()
        for (id, guid) in localDeckGUIDs where optionsChanged.contains(guid) { optionsChangedDeckIDs.insert(id) }
        var localKeys: [(id: Int64, keys: CardKeys, mustMerge: Bool)] = []
        try store.forEachCardKey { id, guid, note, origin, deckID in
            localKeys.append((id, CardKeys(id: guid, note: note, origin: origin, deck: 0), optionsChangedDeckIDs.contains(deckID)))
        }
        let hadCards = !localKeys.isEmpty
        let parts = MergeChunks(
            sources: sources, localKeys: localKeys, tombstones: fileTombstones + [localTombstones], chunkSize: chunkSize)
        localKeys = []
        phase("merge: group cards")

        let writer = try SyncWriter(store: store)
        // With many chunks, one line per chunk rather than per step of each.
        let chunkPhase: (String) -> Void = parts.chunks.count > 1 ? { _ in } : phase
        var apply = MergeApply(store: store, timeZone: timeZone, trash: trash, phase: chunkPhase, writer: writer)
        var report = MergeReport()

        // Decks: every live one is written now; a deleted one that a card still needs comes back
        // when that card is written (`deckID(for:)`); the store's that end deleted and empty go
        // at the end.
        var deckIDs: [String: Int64] = [:]
        var updatedDecks = Set<String>()
        var namesChanged = false
        let localByGUID = Dictionary(localDecks.map { ($0.guid, $0) }, uniquingKeysWith: { first, _ in first })
        for deck in localDecks { deckIDs[deck.guid] = deck.id }
        for id in whole.decks.keys.sorted(by: utf8Less) {
            guard let version = whole.decks[id] else { continue }
            if let local = localByGUID[id] {
                let nameChanged = local.name != version.name
                if nameChanged || local.renamed != version.renamed || Store.configText(local.config) != version.configText
                    || local.modified != version.modified {
                    try writer.updateDeck(id: local.id, name: nameChanged ? version.name : nil, renamed: version.renamed,
                                          created: local.created, config: version.config, modified: version.modified)
                    updatedDecks.insert(id)
                    namesChanged = namesChanged || nameChanged
                }
            } else if whole.isLive(id) {
                deckIDs[id] = try writer.insertDeck(guid: id, name: version.name, renamed: version.renamed, config: version.config,
                                                    created: version.created, modified: version.modified)
                report.decksAdded += 1
                namesChanged = true
            }
        }
        let deckID = { (guid: String) throws -> Int64? in
            if let id = deckIDs[guid] { return id }
            guard let version = whole.decks[guid] else { return nil }
            let id = try writer.insertDeck(guid: guid, name: version.name, renamed: version.renamed, config: version.config,
                                           created: version.created, modified: version.modified)
            deckIDs[guid] = id
            report.decksAdded += 1
            namesChanged = true
            return id
        }
        phase("merge: decks")

        // Into a store without cards, in several chunks: the indexes are built once at the end.
        let bulk = !hadCards && parts.chunks.count > 1
        if bulk {
            // Rows go in at the end of their tables and the indexes are built at the end, so a
            // modest cache does: memory stays flat however large the files.
            try store.prepareForBulkWork(cacheMegabytes: 16)
            try writer.beginNewNotes(count: sources.reduce(0) { $0 + $1.cardCount })
            try writer.beginNewReviews(count: sources.reduce(0) { $0 + $1.reviewCount })
        }
        apply.bulk = bulk

        // Tombstones as merged whole; each card tombstone as the chunk of its card leaves it.
        var finalTombstones = whole.tombstones
        let stripped = (fileTombstones + [localTombstones]).map { list in
            list.map { tombstone in
                var copy = tombstone
                copy.card = nil
                return copy
            }
        }
        // The files' cards of the next chunk are read (and parsed) on another thread while this
        // one is planned and written.
        let prefetch = ChunkPrefetch(sources: sources, chunks: parts.chunks)
        defer { prefetch.finish() }
        for (number, chunk) in parts.chunks.enumerated() {
            let fileCards = try prefetch.cards(ofChunk: number)
            var files: [DeckFile] = []
            var owned = Set<String>()
            for s in sources.indices {
                var decks = headers[s]
                for (d, card) in fileCards[s] where d < decks.count {
                    decks[d].cards.append(card)
                    owned.insert(card.id)
                }
                var tombstones = stripped[s]
                for entry in chunk.snapshots where entry.source == s {
                    tombstones.append(fileTombstones[s][entry.tombstone])
                    owned.insert(fileTombstones[s][entry.tombstone].id)
                }
                files.append(DeckFile(decks: decks, tombstones: tombstones))
            }
            var localRowsTombstones = stripped[sources.count]
            for entry in chunk.snapshots where entry.source == sources.count {
                localRowsTombstones.append(localTombstones[entry.tombstone])
                owned.insert(localTombstones[entry.tombstone].id)
            }
            let localCards = try store.syncCards(ids: chunk.localIDs)
            for card in localCards { owned.insert(card.guid) }
            var planner = MergePlanner(
                rows: MergeRows(decks: localDecks, cards: localCards, tombstones: localRowsTombstones, trashedReviews: trashedReviews),
                files: files)
            var plan = planner.makePlan()
            var checkpoints: [String: CardCheckpoint] = [:]
            for file in files {
                for deck in file.decks {
                    for card in deck.cards {
                        guard let checkpoint = card.checkpoint else { continue }
                        if let known = checkpoints[card.id], !CardCheckpoint.later(checkpoint, than: known) { continue }
                        checkpoints[card.id] = checkpoint
                    }
                }
            }
            files = []
            // Decks are the whole merge's (above), not one chunk's.
            plan.counts.decksAdded = 0
            plan.counts.decksUpdated = 0
            plan.counts.decksDeleted = 0
            for (id, tombstone) in planner.tombstones where tombstone.kind == .card && owned.contains(id) {
                finalTombstones[id] = tombstone
            }
            plan.tombstones.removeAll { $0.kind != .card || !owned.contains($0.id) }
            apply.fileCheckpoints = checkpoints
            let done = try apply.applyCards(plan, deckID: deckID)
            report.add(done.report)
            for tombstone in done.tombstones { finalTombstones[tombstone.id] = tombstone }
            if parts.chunks.count > 1 && (number + 1) % 16 == 0 { phase("merge: \(number + 1) of \(parts.chunks.count) chunks") }
        }
        if bulk {
            try writer.flush()
            // The chunks' memory back to the system before the index builds take theirs.
            releaseFreedMemory()
            phase("merge: cards and reviews")
            try writer.endNewNotes()
            phase("merge: search index")
            try writer.endNewReviews()
            phase("merge: indexes")
        }
        try writer.flush()
        report.reviewsAdded = writer.reviewsInserted
        if !bulk { phase("merge: cards and reviews") }

        // The store's decks deleted elsewhere that no card holds any more go.
        for deck in localDecks where !whole.isLive(deck.guid) {
            if try writer.deckIsEmpty(id: deck.id) {
                try writer.deleteDeck(id: deck.id)
                report.decksDeleted += 1
                updatedDecks.remove(deck.guid)
                namesChanged = true
            }
        }
        report.decksUpdated += updatedDecks.count
        if namesChanged { try store.giveDecksNamesOfTheirOwn() }
        let localByID = Dictionary(localTombstones.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, tombstone) in finalTombstones.sorted(by: { utf8Less($0.key, $1.key) }) where localByID[id] != tombstone {
            try writer.recordTombstone(tombstone)
        }
        phase("merge: decks and tombstones")
        return report
    }
}

/// Reads each chunk's file cards one chunk ahead, on another thread.
final class ChunkPrefetch: @unchecked Sendable {
    typealias Cards = [[(deck: Int, card: DeckFile.Card)]]
    private let sources: [any DeckSource]
    private let chunks: [MergeChunks.Chunk]
    private var pending: (number: Int, group: DispatchGroup, box: Box)?

    /// One chunk's cards once read (written by the reading thread before it leaves the group).
    final class Box: @unchecked Sendable {
        var result: Result<Cards, any Error>?
    }

    init(sources: [any DeckSource], chunks: [MergeChunks.Chunk]) {
        self.sources = sources
        self.chunks = chunks
        if !chunks.isEmpty { start(0) }
    }

    private func start(_ number: Int) {
        let box = Box()
        let group = DispatchGroup()
        group.enter()
        let sources = self.sources
        let chunk = chunks[number]
        DispatchQueue.global().async {
            box.result = Result { try Self.read(chunk, from: sources) }
            group.leave()
        }
        pending = (number, group, box)
    }

    /// A chunk's cards from every source, each card once: a later file's exact copy of a card an
    /// earlier one gave is left out (`CardCopies`).
    private static func read(_ chunk: MergeChunks.Chunk, from sources: [any DeckSource]) throws -> Cards {
        guard sources.count > 1 else { return try sources.indices.map { try sources[$0].cards(chunk.sourceCards[$0]) } }
        let copies = CardCopies()
        return try sources.indices.map { try sources[$0].cards(chunk.sourceCards[$0], leavingOut: copies) }
    }

    /// The cards of chunk `number` (asked in order), and the next chunk's read begun.
    func cards(ofChunk number: Int) throws -> Cards {
        guard let current = pending, current.number == number else {
            return try Self.read(chunks[number], from: sources)
        }
        current.group.wait()
        pending = nil
        let result = current.box.result ?? .success([])
        if number + 1 < chunks.count { start(number + 1) }
        return try result.get()
    }

    /// Waits for a read still going (after a failure), so that nothing outlives the merge.
    func finish() {
        pending?.group.wait()
        pending = nil
    }
}

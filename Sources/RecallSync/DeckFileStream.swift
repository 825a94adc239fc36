import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// A deck file on disk as a `DeckSource` (issue 13, streaming): read and checked once from
/// start to end through a window of a few megabytes (pass 1, in `open`), keeping per card only
/// what ties it to others (`CardKeys`) and where its JSON object is in the file; the cards are
/// read again from the file, a few thousand at a time, when the merge asks for them (`cards`).
/// So reading a file of any size takes memory for its card count (40 bytes a card), not for its
/// bytes: about 21 MB for 520,000 cards and 5,200,000 reviews while it is open, plus ~30 MB of
/// review fingerprints during pass 1.
///
/// Pass 1 checks every value exactly as `DeckReader` does (the same code, the same messages,
/// paths and line:column), and the whole-file checks of `DeckReader.checkUnique` with 64-bit
/// fingerprints of the ids in place of the ids: a fingerprint seen twice is looked at again in
/// the file, so that a real duplicate gives `DeckReader`'s message and a mere collision none.
///
/// The file stays open until the stream goes away. It is refused when it changed while pass 1
/// read it (`SyncError.changedWhileReading`, as `DeckReader`); a change after that is caught by
/// `checkUnchanged`, which a merge calls before it commits, and by `cards` (size and times).
public final class DeckFileStream: DeckSource {
    /// The file's decks, without their cards.
    public let deckHeaders: [DeckFile.Deck]
    public let tombstones: [Tombstone]
    public let media: [MediaFile]
    public let reviewCount: Int
    /// How messages call the file.
    public let name: String
    public let path: String

    private let descriptor: Int32
    /// The file as pass 1 read it (sync records it, to skip a file that has not changed).
    let stamp: FileStamp
    private let version: Int64
    /// Times after this are disarmed in the cards handed out (`FutureTimes`); nil: none are.
    private let futureLimit: Millis?
    private let entries: PagedArray<Entry>
    /// The index of each deck's first card (decks in file order, cards numbered over all decks).
    private let deckStarts: [Int]
    /// The bits of the fingerprints the whole-file checks compare: all of them, but tests keep
    /// a few, so that fingerprints collide all the time and the second looks are exercised.
    private let printMask: UInt64

    /// What pass 1 keeps of a card: its keys and its place in the file (40 bytes).
    struct Entry {
        var card: UInt64
        var note: UInt64
        var bank: UInt64
        var offset: Int64
        var length: UInt32
        var ordinal: UInt16
    }

    /// Cards of a run read from the file in one `pread` are at most this far apart...
    private static let gapLimit = 1 << 16
    /// ... and a read is at most this long (more when one card is larger).
    private static let readLimit = 8 << 20

    /// Opens the deck file at `path` (`name` in messages, default `path`) and reads it once,
    /// checking all of it: nothing is returned unless the whole file is valid. Files of
    /// `sizeLimit` bytes or more are refused before they are read. With `now`, times more than
    /// `FutureTimes.tolerance` after it are counted (the returned `FutureTimes`, for the warning)
    /// and disarmed in the decks, tombstones and each card `cards` hands out.
    public static func open(path: String, name: String? = nil, sizeLimit: Int = DeckFile.defaultSizeLimit,
                            now: Millis? = nil) throws(SyncError) -> (stream: DeckFileStream, future: FutureTimes) {
        try open(path: path, name: name, sizeLimit: sizeLimit, now: now, windowSize: FileWindow.defaultCapacity)
    }

    /// `open` with the window's size chosen (tests use a tiny one to exercise its refills), and
    /// the fingerprints' bits (tests keep few, to make them collide).
    static func open(path: String, name: String?, sizeLimit: Int, now: Millis?, windowSize: Int,
                     printMask: UInt64 = .max) throws(SyncError) -> (stream: DeckFileStream, future: FutureTimes) {
        let name = name ?? path
        let (descriptor, stamp) = try FileContents.openRegularFile(path: path, name: name, sizeLimit: sizeLimit)
        let limit = now.map { FutureTimes.limit(now: $0) }
        let pass = Pass(limit: limit, printMask: printMask)
        let window = FileWindow(descriptor: descriptor, path: path, name: name, size: Int(stamp.size), capacity: windowSize)
        let scanned = Result { () throws(SyncError) in
            try DeckReader.scan(window, file: name) { (deck: Int, card: DeckFile.Card, range: Range<Int>) throws(SyncError) in
                // A card's place is kept in 32 bits: one card of 4 GB is garbage, not a collection.
                guard range.count <= Int(UInt32.max) else {
                    let index = deck < pass.cardsPerDeck.count ? pass.cardsPerDeck[deck] : 0
                    throw .invalid(file: name, path: "decks[\(deck)].cards[\(index)]", message: "is larger than 4 GB")
                }
                pass.add(card, deck: deck, range: range)
            }
        }
        // A change to the file explains any error its reading met: report that first, as
        // `DeckReader.read` does (it checks the stamp before parsing).
        var after = stat()
        let unchanged = fstat(descriptor, &after) == 0 && FileStamp(after) == stamp && FileStamp.of(path) == stamp
        var wholeRead = window.readOffset == Int(stamp.size)
        if case .failure = scanned { wholeRead = true }
        if let failure = window.failure {
            close(descriptor)
            throw failure
        }
        guard unchanged, wholeRead else {
            close(descriptor)
            throw .changedWhileReading(file: name)
        }
        let read: (file: DeckFile, version: Int64)
        switch scanned {
        case let .success(value): read = value
        case let .failure(error):
            close(descriptor)
            throw error
        }
        var future = read.version == 1 ? pass.futureVersion1 : pass.future
        var file = read.file
        if let limit {
            for d in file.decks.indices { future.disarm(deck: &file.decks[d], limit: limit) }
            for t in file.tombstones.indices { future.disarm(tombstone: &file.tombstones[t], limit: limit) }
        }
        var deckStarts: [Int] = []
        deckStarts.reserveCapacity(file.decks.count)
        var start = 0
        for d in file.decks.indices {
            deckStarts.append(start)
            start += d < pass.cardsPerDeck.count ? pass.cardsPerDeck[d] : 0
        }
        let stream = DeckFileStream(name: name, path: path, descriptor: descriptor, stamp: stamp, version: read.version,
                                    futureLimit: limit, file: file, entries: pass.entries, deckStarts: deckStarts,
                                    reviewCount: pass.reviewCount, printMask: printMask)
        var prints = pass.reviewPrints
        pass.reviewPrints = []
        try stream.checkUnique(reviewPrints: &prints)
        return (stream, future)
    }

    private init(name: String, path: String, descriptor: Int32, stamp: FileStamp, version: Int64, futureLimit: Millis?,
                 file: DeckFile, entries: PagedArray<Entry>, deckStarts: [Int], reviewCount: Int, printMask: UInt64) {
        self.printMask = printMask
        self.name = name
        self.path = path
        self.descriptor = descriptor
        self.stamp = stamp
        self.version = version
        self.futureLimit = futureLimit
        deckHeaders = file.decks
        tombstones = file.tombstones
        media = file.media
        self.entries = entries
        self.deckStarts = deckStarts
        self.reviewCount = reviewCount
    }

    deinit { close(descriptor) }

    // MARK: DeckSource

    public var cardCount: Int { entries.count }

    public func cardKeys(_ index: Int) -> CardKeys {
        let entry = entries[index]
        return CardKeys(card: entry.card, note: entry.note, bank: entry.bank, deck: Int32(deck(of: index)))
    }

    /// The cards at `indices` (ascending; others are skipped), read again from the file, checked
    /// as in pass 1, their future times disarmed. Neighbours are read together, in one `pread`.
    public func cards(_ indices: [Int]) throws(SyncError) -> [(deck: Int, card: DeckFile.Card)] {
        try cards(indices, copies: nil)
    }

    public func cards(_ indices: [Int], leavingOut copies: CardCopies) throws(SyncError) -> [(deck: Int, card: DeckFile.Card)] {
        try cards(indices, copies: copies)
    }

    private func cards(_ indices: [Int], copies: CardCopies?) throws(SyncError) -> [(deck: Int, card: DeckFile.Card)] {
        try checkDescriptor()
        var result: [(deck: Int, card: DeckFile.Card)] = []
        result.reserveCapacity(indices.count)
        try read(indices, copies: copies) { (index: Int, card: DeckFile.Card) throws(SyncError) in
            var card = card
            if let futureLimit {
                var ignored = FutureTimes()
                ignored.disarm(card: &card, limit: futureLimit)
            }
            result.append((deck(of: index), card))
        }
        return result
    }

    /// Throws `changedWhileReading` when the file is no longer what pass 1 read: another
    /// program wrote it, or put another file in its place. A merge calls it before it commits.
    public func checkUnchanged() throws(SyncError) {
        try checkDescriptor()
        guard FileStamp.of(path) == stamp else { throw .changedWhileReading(file: name) }
    }

    /// The open file's size and times still are those pass 1 read (one `fstat`).
    private func checkDescriptor() throws(SyncError) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, FileStamp(info) == stamp else { throw .changedWhileReading(file: name) }
    }

    /// The deck of card `index`: the last deck starting at or before it.
    private func deck(of index: Int) -> Int {
        var low = 0
        var high = deckStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if deckStarts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Where card `index` is, as paths say it.
    private func place(_ index: Int) -> String {
        let d = deck(of: index)
        return "decks[\(d)].cards[\(index - deckStarts[d])]"
    }

    /// Reads the cards at `indices` from the file, in order, calling `body` with each (not
    /// disarmed; version 1 cards upgraded).
    private func read(_ indices: [Int], copies: CardCopies? = nil,
                      _ body: (Int, DeckFile.Card) throws(SyncError) -> Void) throws(SyncError) {
        var buffer: [UInt8] = []
        var k = 0
        while k < indices.count {
            let index = indices[k]
            guard index >= 0, index < entries.count else {
                k += 1
                continue
            }
            // A run of cards close together in the file, read at once.
            let first = entries[index]
            var end = k + 1
            var spanEnd = first.offset + Int64(first.length)
            while end < indices.count, indices[end] >= 0, indices[end] < entries.count {
                let next = entries[indices[end]]
                let nextEnd = next.offset + Int64(next.length)
                guard next.offset >= spanEnd, next.offset - spanEnd <= Self.gapLimit,
                      nextEnd - first.offset <= Self.readLimit else { break }
                spanEnd = nextEnd
                end += 1
            }
            let span = Int(spanEnd - first.offset)
            if buffer.count < span { buffer = [UInt8](repeating: 0, count: span) }
            let got = buffer.withUnsafeMutableBytes { bytes in bytes.baseAddress.map { readFully($0, span, at: first.offset) } ?? -1 }
            guard got == span else {
                if got < 0 { throw .cannotRead(file: name, reason: String(cString: strerror(errno))) }
                throw .changedWhileReading(file: name)
            }
            for j in k..<end {
                let cardIndex = indices[j]
                let entry = entries[cardIndex]
                let d = deck(of: cardIndex)
                let from = Int(entry.offset - first.offset)
                if let copies, buffer.withUnsafeBytes({ all in
                    copies.isCopy(UnsafeRawBufferPointer(rebasing: all[from..<from + Int(entry.length)]),
                                  deck: deckHeaders[d].id, version: version)
                }) {
                    continue
                }
                let parsed = buffer.withUnsafeBytes { all in
                    Result { () throws(SyncError) in
                        let bytes = UnsafeRawBufferPointer(rebasing: all[from..<from + Int(entry.length)])
                        return try DeckReader.card(bytes, file: name, deck: d, card: cardIndex - deckStarts[d], version: version)
                    }
                }
                guard case let .success(card) = parsed else {
                    // Pass 1 read this card whole: the file changed since.
                    try checkDescriptor()
                    _ = try parsed.get()
                    continue
                }
                try body(cardIndex, card)
            }
            k = end
        }
    }

    /// Reads `count` bytes at `offset`; fewer at the end of the file, -1 on an error.
    private func readFully(_ base: UnsafeMutableRawPointer, _ count: Int, at offset: Int64) -> Int {
        var done = 0
        while done < count {
            let got = pread(descriptor, base + done, count - done, off_t(offset) + off_t(done))
            if got < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    // MARK: Whole-file checks

    /// `DeckReader.checkUnique` on the file: the first of its errors (in its order: decks in
    /// order, each deck's id then its cards, each card's id, its (note, ordinal), its reviews;
    /// then the tombstones), with its message.
    private func checkUnique(reviewPrints: inout [[UInt32]]) throws(SyncError) {
        // Where each error would be met by `checkUnique`: (deck, card, check, review).
        typealias Place = (Int, Int, Int, Int)
        var found: (place: Place, error: SyncError)?
        func offer(_ place: Place, _ error: SyncError) {
            if let current = found, !(place < current.place) { return }
            found = (place, error)
        }
        var deckIDs: [String: Int] = [:]
        for (d, deck) in deckHeaders.enumerated() {
            if let other = deckIDs.updateValue(d, forKey: deck.id) {
                offer((d, -1, 0, 0), .invalid(file: name, path: "decks[\(d)].id",
                                              message: "deck id \(quoted(deck.id)) appears twice (also decks[\(other)])"))
                break
            }
        }
        let mask = printMask
        if let (index, other, card) = try firstRepeat(key: { $0.card & mask }, same: { $0.id }) {
            let d = deck(of: index)
            offer((d, index - deckStarts[d], 0, 0), .invalid(file: name, path: place(index) + ".id",
                                                            message: "card \(quoted(card.id)) appears twice (also \(place(other)))"))
        }
        if let (index, other, card) = try firstRepeat(key: { Self.mix($0.note ^ Self.mix(UInt64($0.ordinal))) & mask },
                                                      same: { "\($0.ordinal) \($0.note)" }) {
            let d = deck(of: index)
            offer((d, index - deckStarts[d], 1, 0), .invalid(file: name, path: place(index) + ".ordinal",
                                                            message: "note \(quoted(card.note)) has two cards with ordinal \(card.ordinal) (also \(place(other)))"))
        }
        if let (index, r, first, id) = try firstRepeatedReview(&reviewPrints) {
            let d = deck(of: index)
            offer((d, index - deckStarts[d], 2, r), .invalid(file: name, path: place(index) + ".reviews[\(r)].id",
                                                            message: "review id \(quoted(id.description)) appears twice (also \(first))"))
        }
        var tombstoneIDs: [String: Int] = [:]
        for (t, tombstone) in tombstones.enumerated() {
            if let other = tombstoneIDs.updateValue(t, forKey: tombstone.id) {
                offer((Int.max, 0, 0, t), .invalid(file: name, path: "tombstones[\(t)].id",
                                                   message: "\(quoted(tombstone.id)) appears twice (also tombstones[\(other)])"))
                break
            }
        }
        if let found { throw found.error }
    }

    /// The first card (in file order) whose `same` value an earlier card has, with that earlier
    /// card and the card itself. Cards are sorted by `key`, a fingerprint of `same`; only cards
    /// sharing a fingerprint are read again to compare their real values.
    private func firstRepeat(key: (Entry) -> UInt64, same: (DeckFile.Card) -> String) throws(SyncError)
        -> (index: Int, other: Int, card: DeckFile.Card)? {
        guard entries.count > 1 else { return nil }
        var order = [Int32](unsafeUninitializedCapacity: entries.count) { buffer, count in
            for index in 0..<entries.count { buffer[index] = Int32(index) }
            count = entries.count
        }
        order.sort { (key(entries[Int($0)]), $0) < (key(entries[Int($1)]), $1) }
        var best: (index: Int, other: Int, card: DeckFile.Card)?
        var start = 0
        while start < order.count {
            let value = key(entries[Int(order[start])])
            var end = start + 1
            while end < order.count, key(entries[Int(order[end])]) == value { end += 1 }
            if end - start > 1 {
                // Same fingerprint: compare the real values, in file order.
                var seen: [String: Int] = [:]
                try read(order[start..<end].map { Int($0) }) { (index: Int, card: DeckFile.Card) throws(SyncError) in
                    if let other = seen.updateValue(index, forKey: same(card)) {
                        if best.map({ index < $0.index }) ?? true { best = (index, other, card) }
                    }
                }
            }
            start = end
        }
        return best
    }

    /// The first review (in file order) whose id an earlier review has: its card, its index in
    /// the card, where the first one is, and the id. `prints` holds 48 bits of each review id's
    /// fingerprint (`reviewPrint`; the top 16 choose the bucket); only fingerprints found twice
    /// send the cards back to the file for a second look, which finds the real duplicates.
    private func firstRepeatedReview(_ prints: inout [[UInt32]]) throws(SyncError)
        -> (index: Int, review: Int, first: String, id: ReviewID)? {
        var suspects = Set<UInt64>()
        for bucket in prints.indices {
            prints[bucket].sort()
            let values = prints[bucket]
            var i = 1
            while i < values.count {
                if values[i] == values[i - 1] { suspects.insert(UInt64(bucket) << 48 | UInt64(values[i])) }
                i += 1
            }
            prints[bucket] = []
        }
        prints = []
        guard !suspects.isEmpty else { return nil }
        var places: [ReviewID: (index: Int, review: Int)] = [:]
        var best: (index: Int, review: Int, first: String, id: ReviewID)?
        let batch = 4096
        var start = 0
        while start < entries.count && best == nil {
            let indices = Array(start..<min(start + batch, entries.count))
            try read(indices) { (index: Int, card: DeckFile.Card) throws(SyncError) in
                for (r, review) in card.reviews.enumerated() where best == nil && suspects.contains(Self.reviewPrint(review.id) & printMask) {
                    if let first = places[review.id] {
                        best = (index, r, place(first.index) + ".reviews[\(first.review)]", review.id)
                    } else {
                        places[review.id] = (index, r)
                    }
                }
            }
            start += batch
        }
        return best
    }

    // MARK: Fingerprints

    /// A 64-bit mix (SplitMix64's finaliser), so that every bit of a fingerprint depends on
    /// every bit of the id.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A review id's fingerprint, 48 bits (the top 16 and the low 32 of a 64-bit hash), as
    /// pass 1 keeps them: 4 bytes each in one of 65,536 buckets.
    static func reviewPrint(_ id: ReviewID) -> UInt64 {
        let hash: UInt64
        switch id {
        case let .uuid(high, low): hash = mix(high ^ mix(low))
        case let .text(text): hash = mix(CardKeys.hash(text) ^ 0x5555_5555_5555_5555)
        }
        return hash & 0xFFFF_0000_FFFF_FFFF
    }

    /// What pass 1 gathers, card by card.
    private final class Pass {
        let limit: Millis?
        let printMask: UInt64
        var entries = PagedArray<Entry>()
        var cardsPerDeck: [Int] = []
        var reviewCount = 0
        var reviewPrints = [[UInt32]](repeating: [], count: 1 << 16)
        /// The future times of the cards as read, and as a file of version 1 means them (the
        /// version may come after the decks).
        var future = FutureTimes()
        var futureVersion1 = FutureTimes()

        init(limit: Millis?, printMask: UInt64) {
            self.limit = limit
            self.printMask = printMask
        }

        func add(_ card: DeckFile.Card, deck: Int, range: Range<Int>) {
            entries.append(Entry(card: CardKeys.hash(card.id), note: CardKeys.hash(card.note), bank: CardKeys.bankHash(card.origin),
                                 offset: Int64(range.lowerBound), length: UInt32(clamping: range.count),
                                 ordinal: UInt16(clamping: card.ordinal)))
            while cardsPerDeck.count <= deck { cardsPerDeck.append(0) }
            cardsPerDeck[deck] += 1
            reviewCount += card.reviews.count
            for review in card.reviews {
                let print = DeckFileStream.reviewPrint(review.id) & printMask
                reviewPrints[Int(print >> 48)].append(UInt32(truncatingIfNeeded: print))
            }
            if let limit {
                var copy = card
                future.disarm(card: &copy, limit: limit)
                copy = card
                DeckReader.upgradeFromVersion1(&copy)
                futureVersion1.disarm(card: &copy, limit: limit)
            }
        }
    }
}

/// An array that grows a page at a time: no copy of everything when it fills, so that its
/// memory stays its size (a doubling array peaks at three times it while it grows).
struct PagedArray<Element: Sendable>: Sendable {
    private static var pageSize: Int { 1 << 14 }
    private var pages: [[Element]] = []
    private(set) var count = 0

    mutating func append(_ element: Element) {
        if count % Self.pageSize == 0 {
            var page: [Element] = []
            page.reserveCapacity(Self.pageSize)
            pages.append(page)
        }
        pages[pages.count - 1].append(element)
        count += 1
    }

    subscript(index: Int) -> Element {
        pages[index / Self.pageSize][index % Self.pageSize]
    }
}

import RecallModel
import RecallStore

/// One deck file as a merge reads it (issue 13, streaming): its decks, tombstones and media
/// whole (they are small), its cards a few thousand at a time, so that merging a file takes
/// memory for the cards in hand, not for the whole file. `DeckFile` (read whole, for small
/// files and tests) and `DeckFileStream` (a file on disk, read again card by card) both are one.
public protocol DeckSource: Sendable {
    /// The file's decks, without their cards (`cards` is empty).
    var deckHeaders: [DeckFile.Deck] { get }
    var tombstones: [Tombstone] { get }
    var media: [MediaFile] { get }
    /// How many cards the file holds, over all its decks, in file order.
    var cardCount: Int { get }
    /// How many reviews its cards hold in all (for the bulk-write thresholds).
    var reviewCount: Int { get }
    /// What ties card `index` to other cards (`CardKeys`).
    func cardKeys(_ index: Int) -> CardKeys
    /// The cards at `indices` (ascending), whole, each with the index of its deck in `deckHeaders`.
    func cards(_ indices: [Int]) throws -> [(deck: Int, card: DeckFile.Card)]
    /// `cards(_:)`, leaving out each card that is, to the byte, a card an earlier source of the
    /// same chunk gave in a deck of the same id (`copies` remembers them): a version merged
    /// twice decides nothing more than once, and two devices' files mostly hold the same cards.
    func cards(_ indices: [Int], leavingOut copies: CardCopies) throws -> [(deck: Int, card: DeckFile.Card)]
}

extension DeckSource {
    /// Sources that do not keep their cards' text (`DeckFile`, in memory) leave nothing out.
    public func cards(_ indices: [Int], leavingOut copies: CardCopies) throws -> [(deck: Int, card: DeckFile.Card)] {
        try cards(indices)
    }
}

/// What ties a card to others in a merge, as stable hashes (`FNV64`): its id, its note's id,
/// and its note's question in a bank file (`NoteOrigin`: file, question key and answer key;
/// 0 when the note has none). Two cards that share any of these must be merged together.
/// Two different texts with one hash only make the merge take more cards together.
public struct CardKeys: Sendable, Equatable {
    public var card: UInt64
    public var note: UInt64
    public var bank: UInt64
    /// The card's deck, an index into `deckHeaders`.
    public var deck: Int32

    public init(card: UInt64, note: UInt64, bank: UInt64, deck: Int32) {
        self.card = card
        self.note = note
        self.bank = bank
        self.deck = deck
    }

    /// The keys of a card with id `id` of note `note` whose note came from `origin`.
    public init(id: String, note: String, origin: NoteOrigin?, deck: Int32) {
        self.init(card: Self.hash(id), note: Self.hash(note), bank: Self.bankHash(origin), deck: deck)
    }

    public static func hash(_ id: String) -> UInt64 {
        var hash = FNV64()
        hash.add(id)
        return hash.value
    }

    /// The hash of a note's bank question (what `unifyNotesFromTheSameBank` matches), 0 for none.
    public static func bankHash(_ origin: NoteOrigin?) -> UInt64 {
        guard let origin, !origin.questionKey.isEmpty else { return 0 }
        var hash = FNV64()
        hash.add(UInt8(0x01))
        hash.add(origin.file)
        hash.add(UInt8(0x00))
        hash.add(origin.questionKey)
        hash.add(UInt8(0x00))
        hash.add(origin.answerKey)
        return hash.value == 0 ? 1 : hash.value
    }
}

extension DeckFile: DeckSource {
    public var deckHeaders: [Deck] {
        decks.map { deck in
            var header = deck
            header.cards = []
            return header
        }
    }

    public var cardCount: Int { decks.reduce(0) { $0 + $1.cards.count } }
    public var reviewCount: Int { decks.reduce(0) { total, deck in deck.cards.reduce(total) { $0 + $1.reviews.count } } }

    /// Where card `index` is: its deck and its place in the deck.
    private func locate(_ index: Int) -> (deck: Int, card: Int) {
        var rest = index
        for (d, deck) in decks.enumerated() {
            if rest < deck.cards.count { return (d, rest) }
            rest -= deck.cards.count
        }
        return (decks.count, 0)
    }

    public func cardKeys(_ index: Int) -> CardKeys {
        let place = locate(index)
        let card = decks[place.deck].cards[place.card]
        return CardKeys(id: card.id, note: card.note, origin: card.origin, deck: Int32(place.deck))
    }

    public func cards(_ indices: [Int]) throws -> [(deck: Int, card: DeckFile.Card)] {
        var result: [(deck: Int, card: DeckFile.Card)] = []
        result.reserveCapacity(indices.count)
        var d = 0
        var start = 0
        for index in indices {
            while d < decks.count && index >= start + decks[d].cards.count {
                start += decks[d].cards.count
                d += 1
            }
            guard d < decks.count, index >= start else { continue }
            result.append((d, decks[d].cards[index - start]))
        }
        return result
    }
}

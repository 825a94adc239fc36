import RecallModel

/// The cards of one merge chunk as the files wrote them, to leave out a second copy
/// (`DeckSource.cards(_:leavingOut:)`). A first sync reads two or more peer files that hold, in
/// the main, the same cards: each copy after the first would be parsed and planned again, for
/// nothing. A copy is the same bytes, in a deck of the same id, in a file of the same version
/// (a version 1 file's card means something else): compared whole, so that two different
/// cards are never taken for one, whatever their hashes.
public final class CardCopies {
    private struct Seen {
        var deck: String
        var version: Int64
        var bytes: [UInt8]
    }

    private var seen: [UInt64: [Seen]] = [:]

    public init() {}

    /// True when this card was seen before; otherwise it is remembered and false is returned.
    func isCopy(_ bytes: UnsafeRawBufferPointer, deck: String, version: Int64) -> Bool {
        var changeHash = ChangeHash()
        changeHash.add(bytes)
        let hash = changeHash.value
        if let entries = seen[hash] {
            for entry in entries where entry.deck == deck && entry.version == version && entry.bytes.elementsEqual(bytes) {
                return true
            }
        }
        seen[hash, default: []].append(Seen(deck: deck, version: version, bytes: Array(bytes)))
        return false
    }
}

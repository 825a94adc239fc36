import RecallAnki
import Testing

@Suite struct AnkiDeckTests {
    @Test func aNestedDeckIsNamedWithDoubleColonsAsRecallNamesDecks() {
        let deck = AnkiDeck(id: 2, nameParts: ["Python", "Concurrency"], configID: 1)
        #expect(deck.name == "Python::Concurrency")
    }
}

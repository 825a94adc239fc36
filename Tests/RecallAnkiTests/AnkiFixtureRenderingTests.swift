import Foundation
import RecallAnki
import Testing

/// The five genanki packages' expected JSON holds Anki's own rendering of every card; recall's
/// engine must give the same HTML, the same cards, and Markdown that reads as the same text.
@Suite struct AnkiFixtureRenderingTests {
    struct RenderedFixtureCard {
        let package: String
        let note: ExpectedPackage.Note
        let expected: ExpectedPackage.Card
        let rendered: AnkiRenderedCard?
    }

    func fixtureCards() throws -> [RenderedFixtureCard] {
        var cards: [RenderedFixtureCard] = []
        for name in AnkiFixtures.packageNames {
            let package = try AnkiFixtures.expected(name)
            for expectedNote in package.notes {
                let type = try #require(package.noteType(named: expectedNote.notetype))
                let note = package.ankiNote(expectedNote, of: type)
                for card in expectedNote.cards {
                    let rendered = AnkiCardRenderer.render(note, noteType: type, ordinal: card.ord, deckName: card.deck)
                    cards.append(RenderedFixtureCard(package: name, note: expectedNote, expected: card, rendered: rendered))
                }
            }
        }
        return cards
    }

    /// Anki's answer shows `{{FrontSide}}` after its sound tags became play buttons
    /// (`[anki:play:q:0]` for the question's first); the fixtures restored the answer's own
    /// tags only. recall keeps `[sound:…]` everywhere, so the comparison restores those too.
    func restoringQuestionSounds(_ answer: String, question: String) -> String {
        var answer = answer
        var sounds: [Substring] = []
        var rest = question[...]
        while let open = rest.range(of: "[sound:"), let close = rest[open.upperBound...].firstIndex(of: "]") {
            sounds.append(rest[open.lowerBound...close])
            rest = rest[rest.index(after: close)...]
        }
        for (index, sound) in sounds.enumerated() {
            answer = answer.replacingOccurrences(of: "[anki:play:q:\(index)]", with: sound)
        }
        return answer
    }

    @Test func everyFixtureCardRendersToExactlyTheHTMLAnkiRendered() throws {
        let cards = try fixtureCards()
        #expect(cards.count == 46)
        var exact = 0
        for card in cards {
            let rendered = try #require(card.rendered, "\(card.package) \(card.note.guid) card \(card.expected.ord)")
            #expect(rendered.questionHTML == card.expected.front_html, "\(card.package) \(card.note.guid)")
            let expectedBack = restoringQuestionSounds(card.expected.back_html, question: card.expected.front_html)
            #expect(rendered.answerHTML == expectedBack, "\(card.package) \(card.note.guid)")
            if rendered.questionHTML == card.expected.front_html && rendered.answerHTML == expectedBack { exact += 1 }
        }
        #expect(exact == 46)
    }

    @Test func everyFixtureNoteMakesTheCardsAnkiMade() throws {
        for name in AnkiFixtures.packageNames {
            let package = try AnkiFixtures.expected(name)
            for expectedNote in package.notes {
                let type = try #require(package.noteType(named: expectedNote.notetype))
                let ordinals = AnkiCardRenderer.cardOrdinals(of: package.ankiNote(expectedNote, of: type), noteType: type)
                #expect(ordinals == expectedNote.cards.map(\.ord).sorted(), "\(name) \(expectedNote.guid)")
            }
        }
    }

    @Test func everyFixtureCardsMarkdownReadsAsAnkisTextWithWhitespaceCollapsed() throws {
        for card in try fixtureCards() {
            let rendered = try #require(card.rendered)
            let front = rendered.frontText, back = rendered.backText
            #expect(collapsed(shownText(ofMarkdown: front)) == collapsed(card.expected.front_text), "\(front)")
            #expect(collapsed(shownText(ofMarkdown: back)) == collapsed(card.expected.back_text), "\(back)")
        }
    }

    @Test func theTextRuleGivesEveryFixtureCardsTextExactly() throws {
        for card in try fixtureCards() {
            #expect(AnkiHTML.text(fromHTML: card.expected.front_html) == card.expected.front_text)
            let answer = AnkiHTML.answerPart(ofAnswerHTML: card.expected.back_html)
            #expect(AnkiHTML.text(fromHTML: answer) == card.expected.back_text)
        }
    }

    @Test func theCodeSnippetCardKeepsItsIndentationInAFencedBlock() throws {
        let card = try #require(try fixtureCards().first { $0.expected.front_html.contains("<pre>") })
        let front = try #require(card.rendered).frontText
        #expect(front == """
            What does this Python snippet print?

            ```
            xs = [1, 2, 3]
            for x in xs:
                if x < 3:
                    print(x * 2)
            ```
            """)
        #expect(markdownNodeKinds(front) == ["document", "paragraph", "text", "code_block"])
    }

    /// The importer may render on several threads: same cards, same text, no crash.
    @Test func renderingOnManyThreadsAtOnceGivesTheSameCards() throws {
        let cards = try fixtureCards()
        let serial = cards.map { card in card.rendered.map { [$0.frontText, $0.backText] } ?? [] }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var mismatches = 0
        }
        let results = Results()
        let inputs = cards.map { ($0.package, $0.note, $0.expected) }
        let packages = try Dictionary(uniqueKeysWithValues: AnkiFixtures.packageNames.map { ($0, try AnkiFixtures.expected($0)) })
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for (index, (package, note, expected)) in inputs.enumerated() {
                guard let package = packages[package], let type = package.noteType(named: note.notetype) else { continue }
                let card = AnkiCardRenderer.render(
                    package.ankiNote(note, of: type), noteType: type, ordinal: expected.ord, deckName: expected.deck)
                let texts = card.map { [$0.frontText, $0.backText] } ?? []
                if texts != serial[index] {
                    results.lock.lock()
                    results.mismatches += 1
                    results.lock.unlock()
                }
            }
        }
        #expect(results.mismatches == 0)
    }

    @Test func theMediaCardsNameTheirPictureAndKeepTheirSoundTag() throws {
        let cards = try fixtureCards().filter { $0.package == "media" }
        #expect(try #require(cards[0].rendered).frontText == "Which shape is this? ![](red_square.png)")
        #expect(try #require(cards[1].rendered).frontText == "What do you hear? [sound:beep.mp3]")
    }
}

import Foundation
@testable import RecallAnki
import Testing

/// Anki's template language, feature by feature, with the HTML Anki's engine gives
/// (rslib/src/template.rs, cloze.rs, template_filters.rs) as the expectation.
@Suite struct AnkiTemplateTests {
    let basic = noteType(["Front", "Back"], [("{{Front}}", "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}")])

    func render(_ type: AnkiNoteType, _ fields: [String], ordinal: Int = 0, tags: [String] = [], deck: String = "Default")
        -> AnkiRenderedCard?
    {
        AnkiCardRenderer.render(note(fields, tags: tags), noteType: type, ordinal: ordinal, deckName: deck)
    }

    @Test func fieldsAndFrontSideFillTheTemplate() throws {
        let card = try #require(render(basic, ["Q <b>x</b>", "A"]))
        #expect(card.questionHTML == "Q <b>x</b>")
        #expect(card.answerHTML == "Q <b>x</b>\n\n<hr id=answer>\n\nA")
        #expect(card.frontText == "Q **x**")
        #expect(card.backText == "A")
    }

    @Test func spacesInsideTheBracesAreIgnored() throws {
        let type = noteType(["Front"], [("{{ Front }}|{{#  Front }}y{{/Front}}", "")])
        #expect(try #require(render(type, ["x"])).questionHTML == "x|y")
    }

    @Test func aSectionShowsOnlyWhenItsFieldHasContent() throws {
        let type = noteType(["Front", "Extra"], [("{{Front}}{{#Extra}}<div>{{Extra}}</div>{{/Extra}}", "")])
        #expect(try #require(render(type, ["q", ""])).questionHTML == "q")
        // Anki counts a field of only whitespace, <br> and <div> as empty.
        #expect(try #require(render(type, ["q", " <div><br /></div>\n"])).questionHTML == "q")
        #expect(try #require(render(type, ["q", "more"])).questionHTML == "q<div>more</div>")
    }

    @Test func aNegatedSectionShowsOnlyWhenItsFieldIsEmpty() throws {
        let type = noteType(["Front", "Hint"], [("{{Front}}{{^Hint}} (no hint){{/Hint}}", "")])
        #expect(try #require(render(type, ["q", ""])).questionHTML == "q (no hint)")
        #expect(try #require(render(type, ["q", "h"])).questionHTML == "q")
    }

    @Test func aTemplateWhoseFrontShowsNoFieldMakesNoCard() throws {
        // Anki's "Basic (optional reversed card)".
        let type = noteType(
            ["Front", "Back", "Add Reverse"],
            [("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
             ("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", "{{FrontSide}}<hr id=answer>{{Front}}")])
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["f", "b", ""]), noteType: type) == [0])
        #expect(render(type, ["f", "b", ""], ordinal: 1) == nil)
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["f", "b", "y"]), noteType: type) == [0, 1])
        #expect(try #require(render(type, ["f", "b", "y"], ordinal: 1)).questionHTML == "b")
        // Text alone does not make a front: the field it shows must have content.
        let textOnly = noteType(["Front"], [("Translate: {{Front}}", "")])
        #expect(AnkiCardRenderer.cardOrdinals(of: note([""]), noteType: textOnly) == [])
        #expect(render(textOnly, [""]) == nil)
        #expect(render(basic, ["q", "a"], ordinal: 1) == nil)
    }

    @Test func aNoteTypeWithSeveralTemplatesMakesACardPerTemplateWithContent() throws {
        let type = noteType(
            ["Word", "Meaning", "Audio"],
            [("{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
             ("{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
             ("{{#Audio}}{{Audio}}{{/Audio}}", "{{FrontSide}}<hr id=answer>{{Word}}")])
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["perro", "dog", ""]), noteType: type) == [0, 1])
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["perro", "", "[sound:perro.mp3]"]), noteType: type) == [0, 2])
        let third = try #require(render(type, ["perro", "", "[sound:perro.mp3]"], ordinal: 2))
        #expect(third.frontText == "[sound:perro.mp3]")
        #expect(third.backText == "perro")
    }

    @Test func specialFieldsNameTheCardItsDeckAndTags() throws {
        let type = noteType(["Front"], [("{{Front}}|{{Tags}}|{{Deck}}|{{Subdeck}}|{{Card}}|{{Type}}|{{CardFlag}}", "")],
            name: "Vocab")
        let card = try #require(render(type, ["x"], tags: ["lang::es", "verbs"], deck: "Lang::Spanish"))
        #expect(card.questionHTML == "x|lang::es verbs|Lang::Spanish|Spanish|Card 1|Vocab|flag0")
        let flagged = AnkiCardRenderer.render(note(["x"]), noteType: type, ordinal: 0, deckName: "D", flag: 2)
        #expect(flagged?.questionHTML.hasSuffix("|flag2") == true)
    }

    @Test func aSpecialFieldCountsAsContentButEmptyTagsDoNot() {
        let deckOnly = noteType(["Front"], [("{{Deck}}", "")])
        #expect(AnkiCardRenderer.cardOrdinals(of: note([""]), noteType: deckOnly) == [0])
        let tagsOnly = noteType(["Front"], [("{{Tags}}", "")])
        #expect(AnkiCardRenderer.cardOrdinals(of: note([""]), noteType: tagsOnly) == [])
        #expect(AnkiCardRenderer.cardOrdinals(of: note([""], tags: ["t"]), noteType: tagsOnly) == [0])
    }

    @Test func aNoteFieldNamedLikeASpecialFieldWins() throws {
        let type = noteType(["Front", "Deck"], [("{{Front}} ({{Deck}})", "")])
        #expect(try #require(render(type, ["x", "my deck field"], deck: "Real")).questionHTML == "x (my deck field)")
    }

    @Test func anUnknownFieldRendersAnkisErrorMessageInPlaceOfTheCard() throws {
        let type = noteType(["Front"], [("{{Front}}{{Nope}}", "{{Front}}")])
        let card = try #require(render(type, ["x"]))
        #expect(card.questionHTML == """
            Front template has a problem:<br>Found &#x27;{{Nope}}&#x27;, but there is no field called &#x27;Nope&#x27;<br>\
            <a href='https://docs.ankiweb.net/templates/errors.html#template-syntax-error'>More information</a>
            """)
        #expect(card.frontText.hasPrefix("Front template has a problem:\\\nFound '{{Nope}}', but there is no field called 'Nope'"))
        let back = noteType(["Front"], [("{{Front}}", "{{#Missing}}x{{/Missing}}")])
        #expect(try #require(render(back, ["x"])).answerHTML.hasPrefix(
            "Back template has a problem:<br>Found &#x27;{{#Missing}}&#x27;, but there is no field called &#x27;Missing&#x27;"))
    }

    @Test func anUnclosedOrMismatchedSectionRendersAnkisErrorMessage() throws {
        let unclosed = noteType(["Front"], [("{{#Front}}{{Front}}", "")])
        #expect(try #require(render(unclosed, ["x"])).questionHTML.contains("Missing &#x27;{{/Front}}&#x27;"))
        // A template Anki cannot parse makes no card.
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["x"]), noteType: unclosed) == [])
        let mismatched = noteType(["Front", "Back"], [("{{#Front}}{{/Back}}", "")])
        #expect(try #require(render(mismatched, ["x", "y"])).questionHTML
            .contains("Found &#x27;{{/Back}}&#x27;, but expected &#x27;{{/Front}}&#x27;"))
    }

    @Test func anUnknownFilterLeavesTheTextAsItStandsAndEndsTheChain() throws {
        let type = noteType(["Front"], [("{{myfilter:Front}}|{{text:myfilter:Front}}|{{myfilter:text:Front}}", "")])
        #expect(try #require(render(type, ["<b>x</b>"])).questionHTML == "<b>x</b>|<b>x</b>|x")
    }

    @Test func filtersChainFromTheFieldOutwards() throws {
        let type = noteType(["Text", "Extra"], [("{{text:cloze:Text}}", "{{cloze:Text}}")], kind: .cloze)
        let card = try #require(render(type, ["<b>{{c1::Paris}}</b> is in {{c2::France}}", ""]))
        #expect(card.questionHTML == "[...] is in France")
    }

    @Test func theTextFilterStripsTagsAndDecodesEntities() throws {
        let type = noteType(["Front"], [("{{text:Front}}", "")])
        let card = try #require(render(type, ["<b>a</b>&amp;b&nbsp;c<style>x{}</style><!-- note --><br>d"]))
        #expect(card.questionHTML == "a&b cd")
        // Anki's decoder gives up on a malformed entity and leaves every entity as it was.
        #expect(try #require(render(type, ["<i>AT&T</i> &amp;"])).questionHTML == "AT&T &amp;")
    }

    @Test func theHintFilterWritesAnkisRevealLinkWithTheSameElementID() throws {
        let type = noteType(["Front", "Hint"], [("{{Front}}{{hint:Hint}}", "")])
        let card = try #require(render(type, ["q", "foo"]))
        // The id is Anki's: BLAKE3 of the text and field name (its own test uses "foo"/"field").
        #expect(AnkiTextFilters.hint("foo", fieldName: "field") == """

            <a class=hint href="#"
            onclick="this.style.display='none';
            document.getElementById('hint83fe48607f0f3a66').style.display='block';
            return false;" draggable=false>
            field</a>
            <div id="hint83fe48607f0f3a66" class=hint style="display: none">foo</div>

            """)
        #expect(card.questionHTML.hasPrefix("q\n<a class=hint href=\"#\""))
        #expect(collapsed(shownText(ofMarkdown: card.frontText)) == "q Hint foo")
        let empty = try #require(render(type, ["q", ""]))
        #expect(empty.questionHTML == "q")
    }

    @Test func typeAnswerBoxesAreGoneFromTheFrontAndShowTheExpectedAnswerOnTheBack() throws {
        let type = noteType(["Front", "Back"], [("{{Front}}\n\n{{type:Back}}", "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}")])
        let card = try #require(render(type, ["Capital of France?", "<b>Paris</b>"]))
        #expect(card.questionHTML == "Capital of France?\n\n[[type:Back]]")
        #expect(card.frontText == "Capital of France?")
        #expect(card.backText == "Paris")
        // Converted without the card's knowledge, the marker is still never shown.
        #expect(AnkiHTML.markdown(fromHTML: card.questionHTML) == "Capital of France?")
    }

    @Test func typeClozeExpectsTheDeletionsOfItsCard() throws {
        let type = noteType(["Text", "Extra"], [("{{cloze:Text}}{{type:cloze:Text}}", "{{cloze:Text}}<br>{{type:cloze:Text}}")],
            kind: .cloze)
        let card = try #require(render(type, ["{{c1::Paris}} and {{c2::Rome}}", ""]))
        #expect(card.questionHTML.hasSuffix("[[type:cloze:Text]]"))
        #expect(card.typedAnswers["[[type:cloze:Text]]"] == "Paris")
        #expect(card.backText == "**Paris** and Rome\\\nParis")
    }

    @Test func clozeCardsHideTheirDeletionAndShowTheOthers() throws {
        let type = noteType(["Text", "Back Extra"], [("{{cloze:Text}}", "{{cloze:Text}}<br>\n{{Back Extra}}")], kind: .cloze)
        let fields = ["{{c1::Canberra::city}} is the capital of {{c2::Australia}}; {{c1::Sydney}} is larger.", "Extra"]
        #expect(AnkiCardRenderer.cardOrdinals(of: note(fields), noteType: type) == [0, 1])
        let first = try #require(render(type, fields, ordinal: 0))
        #expect(first.frontText == "**[city]** is the capital of Australia; **[...]** is larger.")
        #expect(first.backText == "**Canberra** is the capital of Australia; **Sydney** is larger.\\\nExtra")
        let second = try #require(render(type, fields, ordinal: 1))
        #expect(second.questionHTML == """
            <span class="cloze-inactive" data-ordinal="1">Canberra</span> is the capital of \
            <span class="cloze" data-cloze="Australia" data-ordinal="2">[...]</span>; \
            <span class="cloze-inactive" data-ordinal="1">Sydney</span> is larger.
            """)
        #expect(render(type, fields, ordinal: 2) == nil)
    }

    @Test func nestedAndSharedClozesBelongToEachOfTheirNumbers() throws {
        let type = noteType(["Text"], [("{{cloze:Text}}", "{{cloze:Text}}")], kind: .cloze)
        let nested = ["{{c1::outer {{c2::inner}} end}} and {{c1,3::both}}"]
        #expect(AnkiCardRenderer.cardOrdinals(of: note(nested), noteType: type) == [0, 1, 2])
        #expect(try #require(render(type, nested, ordinal: 0)).frontText == "**[...]** and **[...]**")
        #expect(try #require(render(type, nested, ordinal: 1)).frontText == "outer **[...]** end and both")
        let third = try #require(render(type, nested, ordinal: 2))
        #expect(third.frontText == "outer inner end and **[...]**")
        #expect(third.questionHTML.hasSuffix("<span class=\"cloze\" data-cloze=\"both\" data-ordinal=\"1,3\">[...]</span>"))
        #expect(third.backText == "outer inner end and **both**")
    }

    @Test func clozeNumbersComeFromEveryFieldAndAnUnclosedDeletionIsDropped() throws {
        let type = noteType(["Text", "Extra"], [("{{cloze:Text}}", "{{cloze:Text}}<br>{{Extra}}")], kind: .cloze)
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["{{c1::a}}", "{{c3::b}}"]), noteType: type) == [0, 2])
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["{{c0::zero}} {{c2::two}}", ""]), noteType: type) == [1])
        let card = try #require(render(type, ["{{c1::kept}} and {{c1::lost", ""]))
        #expect(card.questionHTML == "<span class=\"cloze\" data-cloze=\"kept\" data-ordinal=\"1\">[...]</span> and ")
    }

    @Test func clozeConditionalsFollowTheCardsNumber() throws {
        let type = noteType(["Text"], [("{{cloze:Text}}{{#c2}} (second){{/c2}}{{^c1}} (not first){{/c1}}", "")], kind: .cloze)
        let fields = ["{{c1::a}} {{c2::b}}"]
        #expect(try #require(render(type, fields, ordinal: 0)).frontText == "**[...]** b")
        #expect(try #require(render(type, fields, ordinal: 1)).frontText == "a **[...]** (second) (not first)")
    }

    @Test func clozeOnlyShowsJustTheDeletions() throws {
        let type = noteType(["Text"], [("{{cloze-only:Text}}", "{{cloze-only:Text}}")], kind: .cloze)
        let card = try #require(render(type, ["{{c1::a::hint}} x {{c1::b}} {{c2::c}}"]))
        #expect(card.questionHTML == "hint, ...")
        #expect(card.answerHTML == "a, b")
    }

    @Test func mathJaxInsideAClozeLosesTheTagsTheEditorLeft() throws {
        let type = noteType(["Text"], [("{{cloze:Text}}", "")], kind: .cloze)
        let card = try #require(render(type, ["\\(x^{<b>2</b>}\\) {{c1::y}}"]))
        #expect(card.questionHTML.hasPrefix("\\(x^{2}\\) "))
    }

    @Test func commentsAreKeptButNotRead() throws {
        let type = noteType(["Front", "Back"], [("<!-- {{Back}} -->{{Front}}", "")])
        #expect(try #require(render(type, ["f", "b"])).questionHTML == "<!-- {{Back}} -->f")
        #expect(AnkiCardRenderer.cardOrdinals(of: note(["", "b"]), noteType: type) == [])
        #expect(try #require(render(type, ["f", "b"])).frontText == "f")
    }

    @Test func theLegacyAlternateDelimitersWork() throws {
        let type = noteType(["Front"], [("{{=<% %>=}}<%Front%> {{Front}}", "")])
        #expect(try #require(render(type, ["x"])).questionHTML == "x {{Front}}")
    }

    @Test func rubyFiltersReadBaseAndReading() throws {
        let type = noteType(["Reading"], [("{{furigana:Reading}}|{{kanji:Reading}}|{{kana:Reading}}", "")])
        #expect(try #require(render(type, ["日本[にほん]語 [sound:a.mp3]"])).questionHTML
            == "<ruby><rb>日本</rb><rt>にほん</rt></ruby>語 [sound:a.mp3]|日本語 [sound:a.mp3]|にほん語 [sound:a.mp3]")
    }

    @Test func blake3MatchesTheReferenceAcrossChunkBoundaries() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(BLAKE3.hash([])) == "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")
        // Reference values from the blake3 package for the spec's test input (i mod 251).
        let vectors = [
            1023: "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11",
            1024: "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7",
            1025: "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444",
            3073: "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3",
            5000: "ee78d92070de3df1c57c37002abf0a6b1a6589acdeef4d8ffac7cf3d9e8f2836",
        ]
        for (length, digest) in vectors {
            #expect(hex(BLAKE3.hash((0..<length).map { UInt8($0 % 251) })) == digest, "\(length) bytes")
        }
    }
}

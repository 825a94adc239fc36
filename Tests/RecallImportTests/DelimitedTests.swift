import Testing
@testable import RecallImport

@Suite struct DelimitedTests {
    @Test func ankiHeadersSetSeparatorHtmlTagsDeckAndColumns() throws {
        let parsed = try parseFixture("anki-export.txt")
        let notes = parsed.notes
        #expect(notes.map(\.front) == ["Capital of **France**?", "Multi-line", "2 < 3?"])
        #expect(notes.map(\.back) == ["Paris\non the Seine", "first line\nsecond & last", "*yes*, see `cmp`"])
        #expect(notes.map(\.tags) == [["anki", "imported", "europe"], ["anki", "imported"], ["anki", "imported", "math"]])
        #expect(notes.allSatisfy { $0.deck == "Geography" })
        #expect(notes.map(\.line) == [6, 7, 9])
        #expect(parsed.warnings.isEmpty)
    }

    @Test func explicitDeckWinsOverTheDeckHeader() throws {
        let files = try SourceReader().read(Fixtures.path("anki-export.txt"), deck: "Mine")
        let notes = try SourceReader().parse(files[0]).notes
        #expect(notes.allSatisfy { $0.deck == "Mine" })
    }

    @Test func quotedFieldsHoldSeparatorsQuotesAndNewlines() throws {
        let notes = try parseFixture("quoted.csv").notes
        #expect(notes.map(\.front) == ["What is 1,000 in words?", "Say \"hi\"", "plain front"])
        #expect(notes.map(\.back) == ["one thousand", "A greeting\non two lines", "plain back"])
        #expect(notes.map(\.tags) == [["numbers"], [], []])
        #expect(notes.map(\.line) == [2, 3, 5])
    }

    @Test func separatorIsSniffedWhenNotDeclared() throws {
        let notes = try parseFixture("semicolon.csv").notes
        #expect(notes.map(\.front) == ["What is 1,5 in English notation?", "Decimal comma countries"])
        #expect(notes.map(\.back) == ["1.5", "Germany, France"])
    }

    @Test func rowsWithoutABackAreSkippedWithAWarning() throws {
        let parsed = try parseFixture("plain.tsv")
        #expect(parsed.notes.map(\.front) == ["keine", "third"])
        #expect(parsed.warnings.map(\.description) == ["\(Fixtures.path("plain.tsv")):3: skipped row without a back"])
    }

    @Test func columnsHeaderMapsFieldsByName() throws {
        let text = "#separator:Pipe\n#columns:Back|Front|Deck\nParis|Capital of France?|Geo::Europe\n"
        let notes = try parseText(text, name: "x.csv").notes
        #expect(notes.map(\.front) == ["Capital of France?"])
        #expect(notes.map(\.back) == ["Paris"])
        #expect(notes.map(\.deck) == ["Geo::Europe"])
    }

    @Test func notetypeHeaderMakesReversedOrClozeNotes() throws {
        let reversed = try parseText("#separator:Comma\n#notetype:Basic (and reversed card)\nchat,cat\n", name: "fr.csv").notes
        #expect(reversed.map(\.kind) == [.reversed])
        #expect(reversed.map(\.ordinals) == [[1, 2]])
        let cloze = try parseText("#separator:Tab\n{{c1::Paris}} is in {{c2::France}}\textra\n", name: "c.tsv").notes
        #expect(cloze.map(\.kind) == [.cloze])
        #expect(cloze.map(\.ordinals) == [[1, 2]])
        #expect(cloze.map(\.back) == ["extra"])
    }

    @Test func htmlIsLeftAloneWhenHtmlIsFalse() throws {
        let notes = try parseText("#separator:Tab\n#html:false\na<b>c\t1 &amp; 2\n", name: "x.tsv").notes
        #expect(notes.map(\.front) == ["a<b>c"])
        #expect(notes.map(\.back) == ["1 &amp; 2"])
    }

    @Test(arguments: [
        ("a<br>b<br/>c<br />d", "a\nb\nc\nd"),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<b>bold</b> <strong>x</strong> <i>it</i> <em>y</em>", "**bold** **x** *it* *y*"),
        ("<code>let x</code>", "`let x`"),
        ("<a href=\"https://x.org\">site</a>", "[site](https://x.org)"),
        ("&lt;tag&gt; &amp; &quot;q&quot; &#39;s&#39; &#x263A; &nbsp;x", "<tag> & \"q\" 's' ☺  x"),
        ("<span style=\"color:red\">red</span>", "red"),
        ("<ul><li>a</li><li>b</li></ul>", "- a\n- b"),
        ("a < b and c > d", "a < b and c > d"),
    ])
    func htmlBecomesMarkdown(_ html: String, _ markdown: String) {
        #expect(HTMLText.markdown(html) == markdown)
    }

    @Test func crlfLineEndingsAndTrailingSeparatorWork() throws {
        let notes = try parseText("q1,a1,\r\nq2,\"a\r\n2\"\r\n", name: "x.csv").notes
        #expect(notes.map(\.front) == ["q1", "q2"])
        #expect(notes.map(\.back) == ["a1", "a\n2"])
    }
}

/// Issue 11: Anki's own exports with deck and tags columns, and comment lines above them.
@Suite struct AnkiColumnHeaderTests {
    @Test func deckAndTagsColumnsAreTakenOutOfTheFields() throws {
        let parsed = try parseText("""
            #separator:tab
            #html:false
            #deck column:1
            #tags column:4
            Languages::French\tbonjour\thello\tgreeting french
            Languages::French\tmerci\tthank you\tpoliteness
            """, name: "export.txt")
        #expect(parsed.notes.map(\.front) == ["bonjour", "merci"])
        #expect(parsed.notes.map(\.back) == ["hello", "thank you"])
        #expect(parsed.notes.map(\.deck) == ["Languages::French", "Languages::French"])
        #expect(parsed.notes.map(\.tags) == [["greeting", "french"], ["politeness"]])
    }

    @Test func aCommentLineAboveTheHeadersIsNotAnUnknownHeader() throws {
        let parsed = try parseText("""
            # Source: https://example.com/deck.csv
            #separator:Comma
            front one,back one
            """, name: "deck.csv")
        #expect(parsed.warnings.isEmpty)
        #expect(parsed.notes.map(\.front) == ["front one"])
    }

    // MARK: - Issue 11: files as Anki writes them without headers

    @Test func htmlInFieldsWithoutAnHtmlHeaderIsConvertedAsAnkiWould() throws {
        // Anki reads fields as HTML when they look like HTML and no `#html:` header says otherwise.
        let parsed = try parseText("""
            What does <code>len()</code> return?,The number of items<br>in a <b>container</b>
            Name a tuple,"(1, 2)"
            """, name: "deck.csv")
        #expect(parsed.notes.map(\.front) == ["What does `len()` return?", "Name a tuple"])
        #expect(parsed.notes.map(\.back) == ["The number of items\nin a **container**", "(1, 2)"])
    }

    @Test func angleBracketsThatAreNotTagsStayText() throws {
        let parsed = try parseText("What is Vec<String>?\tA growable list of strings\nIs 2 < 3 > 1?\tyes\n", name: "deck.tsv")
        #expect(parsed.notes.map(\.front) == ["What is Vec<String>?", "Is 2 < 3 > 1?"])
    }

    @Test func anHtmlFalseHeaderKeepsTagsAsText() throws {
        let parsed = try parseText("#html:false\nWhat is <b>?\tThe bold tag\n", name: "deck.tsv")
        #expect(parsed.notes.map(\.front) == ["What is <b>?"])
    }

    @Test func ankisSemicolonTextExportWithoutHeadersIsADeck() throws {
        let text = "Capital of France;Paris;geo\nCapital of Peru;Lima;geo\n\"Say \"\"hi\"\"\";A greeting;\n"
        #expect(SourceReader.format(path: "export.txt", text: text) == .delimited)
        let parsed = try parseText(text, name: "export.txt")
        #expect(parsed.notes.map(\.front) == ["Capital of France", "Capital of Peru", "Say \"hi\""])
        #expect(parsed.notes.map(\.back) == ["Paris", "Lima", "A greeting"])
        #expect(parsed.notes.map(\.tags) == [["geo"], ["geo"], []])
        // Tab-separated too, as Anki before 2.1.55 exported it.
        #expect(SourceReader.format(path: "export.txt", text: "perro\tdog\ngato\tcat\n") == .delimited)
    }

    @Test func notesWithSemicolonsAreStillMarkdown() {
        #expect(SourceReader.format(path: "notes.txt", text: "Q: What ends a statement in C?\nA: A semicolon; always.\n") == .markdown)
        #expect(SourceReader.format(path: "notes.txt", text: "Shopping; milk\n\nA long line of prose; with a clause.\nAnd more; and more; and more.\n")
                == .markdown)
        #expect(SourceReader.format(path: "notes.txt", text: "one line; only\n") == .markdown)
        #expect(SourceReader.format(path: "notes.txt", text: "first; para\nstill; it\n\nsecond; para\n") == .markdown)
    }
}

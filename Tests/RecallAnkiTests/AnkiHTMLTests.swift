import Foundation
import RecallAnki
import Testing

/// Field HTML as recall's Markdown: each construct, and what the review screen reads back.
@Suite struct AnkiHTMLTests {
    func md(_ html: String) -> String { AnkiHTML.markdown(fromHTML: html) }

    @Test func breaksAndDivsStartNewLinesAndParagraphsAreSeparated() {
        #expect(md("a<br>b") == "a\\\nb")
        #expect(md("<div>a</div><div>b</div>") == "a\\\nb")
        #expect(md("a<div>b</div>c") == "a\\\nb\\\nc")
        #expect(md("a<br><br>b") == "a\n\nb")
        #expect(md("<div>a</div><div><br></div><div>b</div>") == "a\n\nb")
        #expect(md("<p>a</p><p>b</p>") == "a\n\nb")
        #expect(md("<br>a<br>") == "a")
        #expect(shownText(ofMarkdown: md("one<br>two")) == "one\ntwo\n")
    }

    @Test func whitespaceCollapsesAsInABrowserAndNbspIsASpace() {
        #expect(md("  a \n\t b  ") == "a b")
        #expect(md("<b>a</b> <i>b</i>") == "**a** *b*")
        #expect(md("100&nbsp;&deg;C") == "100 °C")
        #expect(md("plain\ntext with no markup") == "plain text with no markup")
    }

    @Test func boldAndItalicBecomeEmphasisWithTheirSpacesOutside() {
        #expect(md("<b>bold</b> and <i>it</i>") == "**bold** and *it*")
        #expect(md("<strong>s</strong><em>e</em>") == "**s***e*")
        #expect(md("<b>H</b>yper<b>T</b>ext") == "**H**yper**T**ext")
        #expect(md("x<b> spaced </b>y") == "x **spaced** y")
        #expect(md("<b>bold <i>both</i></b>") == "**bold *both***")
        #expect(markdownNodeKinds(md("<b>bold <i>both</i></b>")) == ["document", "paragraph", "strong", "text", "emph", "text"])
        // Markers that CommonMark would not read as emphasis there are left out, not left in.
        #expect(md("a<b>\"q\"</b>b") == "a\"q\"b")
    }

    @Test func emphasisAcrossALineBreakIsClosedOnEachLine() {
        let markdown = md("<b>one<br>two</b>")
        #expect(markdown == "**one**\\\n**two**")
        #expect(markdownNodeKinds(markdown) == ["document", "paragraph", "strong", "text", "linebreak", "strong", "text"])
    }

    @Test func nestedListsBecomeIndentedMarkdownLists() {
        let html = "<ul><li>fruit<ul><li>apple</li><li>pear</li></ul></li><li>veg</li></ul>"
        #expect(md(html) == "- fruit\n  - apple\n  - pear\n- veg")
        // Anki's editor puts a nested list directly inside the outer one.
        #expect(md("<ul><li>fruit</li><ul><li>apple</li></ul><li>veg</li></ul>") == "- fruit\n  - apple\n- veg")
        #expect(markdownNodeKinds(md(html)).filter { $0 == "list" }.count == 2)
    }

    @Test func orderedListsKeepTheirNumbering() {
        #expect(md("<ol><li>one</li><li>two</li></ol>") == "1. one\n2. two")
        #expect(md("<ol start=\"9\"><li>nine</li><li>ten<ol><li>sub</li></ol></li></ol>") == "9. nine\n10. ten\n    1. sub")
        #expect(md("Steps:<ol><li>a</li></ol>done") == "Steps:\n\n1. a\n\ndone")
    }

    @Test func preBlocksBecomeFencedCodeWithTheirTextVerbatim() {
        let html = "<pre><code class=\"language-python\">def f(x):\n    if x &lt; 3:\n\treturn [x * 2]\n\n    return `x`</code></pre>"
        #expect(md(html) == "```python\ndef f(x):\n    if x < 3:\n\treturn [x * 2]\n\n    return `x`\n```")
        #expect(markdownNodeKinds(md(html)) == ["document", "code_block"])
        // Anki's editor writes lines of a <pre> with <br> or <div>.
        #expect(md("<pre>a<br>  b<div>    c</div></pre>") == "```\na\n  b\n    c\n```")
        // A fence longer than any backtick run inside.
        #expect(md("<pre>```\nx\n```</pre>") == "````\n```\nx\n```\n````")
    }

    @Test func codeHoldingLineBreaksIsABlockAndOtherCodeIsInline() {
        #expect(md("Use <code>len(xs)</code> here") == "Use `len(xs)` here")
        #expect(md("<code>a `tick`</code>") == "`` a `tick` ``")
        #expect(shownText(ofMarkdown: md("<code>a `tick`</code>")) == "a `tick`\n")
        #expect(md("<code>line1<br>  line2</code>") == "```\nline1\n  line2\n```")
        #expect(markdownNodeKinds(md("Use <code>*x*</code>")) == ["document", "paragraph", "text", "code"])
    }

    @Test func aListItemKeepsItsCodeBlockIndentedUnderIt() {
        let markdown = md("<ul><li>Run:<pre>make\n  test</pre></li><li>b</li></ul>")
        #expect(markdown == "- Run:\n  ```\n  make\n    test\n  ```\n- b")
        #expect(markdownNodeKinds(markdown).contains("code_block"))
        #expect(shownText(ofMarkdown: markdown).contains("make\n  test"))
    }

    @Test func entitiesAreDecoded() {
        #expect(md("&lt;tag&gt; &amp; &eacute; &#x263A; &#9731; &quot;q&quot;") == "\\<tag> & é ☺ ☃ \"q\"")
        #expect(shownText(ofMarkdown: md("&lt;b&gt;not bold&lt;/b&gt;")) == "<b>not bold</b>\n")
        #expect(md("x &unknown; y") == "x \\&unknown; y")
    }

    @Test func scriptStyleAndCommentsAreDropped() {
        #expect(md("<style>.card { color: red }</style>Front<script>alert('x')</script><!-- hidden -->") == "Front")
        #expect(AnkiHTML.text(fromHTML: "<style>p{}</style>a<script>b()</script>") == "a")
    }

    @Test func controlCharactersNeverPassThrough() {
        let hostile = "a\u{1B}[31mred\u{07}\u{9B}2J\u{202E}evil\u{0}<pre>x\u{1B}]0;title\u{07}\ty</pre>"
        let markdown = md(hostile)
        #expect(!markdown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(!markdown.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        #expect(markdown == "a[31mred2Jevil\n\n```\nx]0;title\ty\n```")
        #expect(!md("\u{1B}[2J").contains("\u{1B}"))
        // A control character does not make the rest of the field read as another encoding.
        #expect(md("é\u{9B}<b>ü</b>") == "é**ü**")
        #expect(md("<meta charset=\"latin1\">é ☃") == "é ☃")
        #expect(!AnkiHTML.text(fromHTML: "x\u{1B}[2Jy").contains("\u{1B}"))
    }

    @Test func malformedHTMLStillReadsAsItsText() {
        #expect(md("<b>bold <i>both</b> after") == "**bold *both*** after")
        #expect(md("<div>unclosed<div>nested") == "unclosed\\\nnested")
        #expect(md("</p>stray</div> closers") == "stray closers")
        #expect(md("a < b && c > d") == "a < b && c > d")
        #expect(md("<<>>") == "<<>>")
        #expect(md("<ul><li>one<li>two</ul>") == "- one\n- two")
        #expect(md("<table><tr><td>x") == "x")
        #expect(md("") == "")
        #expect(md("<br><div></div>") == "")
    }

    @Test func markdownCharactersInTextAreEscapedOnlyWhereTheyWouldChangeTheMeaning() {
        // Text that means nothing special stays as written.
        for plain in ["2 * 3 = 6", "snake_case_name", "[...] and [hint]", "[sound:beep_1.mp3]", "C:\\Users\\me",
            "a - b", "x = y", "Q&A", "4 > 3", "a <= b", "100%", "#hashtag", "well... ok!"]
        {
            #expect(md(plain.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")) == plain)
        }
        // Text that would turn into Markdown is escaped, and reads back exactly.
        let tricky = ["*not emphasis*", "__dunder__", "# not a heading", "1. not a list", "2) nor this", "- nor this",
            "+ nor this", "> not a quote", "[text](https://x.org)", "`not code`", "---", "===", "~~~", "<b>tag</b>",
            "&amp; stays", "![alt](pic.png)", "[ref]: https://x.org", "trailing \\", "*", "_x_", "a **b** c",
            "line # with ## hashes"]
        for text in tricky {
            let html = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            let markdown = md(html)
            #expect(shownText(ofMarkdown: markdown) == text + "\n", "\(text) -> \(markdown)")
            #expect(markdownNodeKinds(markdown) == ["document", "paragraph", "text"], "\(text) -> \(markdown)")
        }
        // Also when such a line follows a break inside a paragraph.
        let lines = md("intro<br>- item<br>1. one<br>===<br># h")
        #expect(shownText(ofMarkdown: lines) == "intro\n- item\n1. one\n===\n# h\n")
    }

    @Test func imagesBecomeMarkdownImagesNamingTheMediaFile() {
        #expect(md("Which shape? <img src=\"red_square.png\">") == "Which shape? ![](red_square.png)")
        #expect(md("<img src=\"my pic (1).jpg\">") == "![](<my pic (1).jpg>)")
        #expect(md("<img src=\"a&amp;b.png\" alt=\"x\">") == "![](a&b.png)")
        #expect(md("<img alt=\"no source\">") == "")
        #expect(markdownNodeKinds(md("<img src=\"my pic (1).jpg\">")) == ["document", "paragraph", "image"])
    }

    @Test func soundTagsStayAsWritten() {
        #expect(md("Listen: [sound:beep.mp3]<br>[sound:rec 2.ogg]") == "Listen: [sound:beep.mp3]\\\n[sound:rec 2.ogg]")
    }

    @Test func webLinksAreMarkdownLinksAndOtherLinksTheirText() {
        #expect(md("<a href=\"https://example.org/a\">site</a>") == "[site](https://example.org/a)")
        #expect(md("<a href=\"javascript:alert(1)\">x</a> <a href=\"#\">y</a>") == "x y")
        #expect(md("<a href=\"https://x.org\"><b>bold</b> link</a>") == "[**bold** link](https://x.org)")
    }

    @Test func headingsQuotesRulesAndTablesKeepTheirShape() {
        #expect(md("<h2>Title #</h2>text") == "## Title \\#\n\ntext")
        #expect(md("<blockquote>quoted<br>more<blockquote>inner</blockquote></blockquote>") == "> quoted\\\n> more\n>\n> > inner")
        #expect(md("above<hr>below") == "above\n\n---\n\nbelow")
        #expect(md("<table><tr><th>word</th><th>meaning</th></tr><tr><td>perro</td><td>dog</td></tr></table>")
            == "word | meaning\\\nperro | dog")
        #expect(markdownNodeKinds(md("<h3>H</h3>")) == ["document", "heading", "text"])
    }

    @Test func theAnswerPartIsWhatFollowsTheDivider() {
        #expect(AnkiHTML.answerPart(ofAnswerHTML: "Q\n\n<hr id=answer>\n\nA") == "\n\nA")
        #expect(AnkiHTML.answerPart(ofAnswerHTML: "Q<hr id=\"answer\">A") == "A")
        #expect(AnkiHTML.answerPart(ofAnswerHTML: "Q<HR class=x ID='answer' />A") == "A")
        #expect(AnkiHTML.answerPart(ofAnswerHTML: "Q<hr>Q2<hr id=answers>A") == "Q<hr>Q2<hr id=answers>A")
        #expect(AnkiHTML.answerPart(ofAnswerHTML: "cloze answer") == "cloze answer")
    }

    @Test func theTextRuleFollowsTheFixturesReadme() {
        #expect(AnkiHTML.text(fromHTML: "<b>H</b>yper<br>\nText&nbsp;x") == "Hyper\nText x")
        #expect(AnkiHTML.text(fromHTML: "<div>a</div>\n\n<div>  b  </div>") == "a\n  b")
        #expect(AnkiHTML.text(fromHTML: "x<pre>  indented\n\tcode</pre>") == "x\n  indented\n\tcode")
        #expect(AnkiHTML.text(fromHTML: "<img src=a.png>[sound:b.mp3]") == "[sound:b.mp3]")
    }

    @Test func deeplyNestedHTMLConvertsWithoutExhaustingTheStack() {
        let depth = 5_000
        let html = String(repeating: "<div><b>", count: depth) + "deep" + String(repeating: "</b></div>", count: depth)
        #expect(shownText(ofMarkdown: md(html)).contains("deep"))
        let lists = String(repeating: "<ul><li>", count: 300) + "x" + String(repeating: "</li></ul>", count: 300)
        #expect(md(lists).contains("x"))
    }
}

/// Random text full of Markdown's characters, written as HTML text: the Markdown recall makes
/// must read back as exactly that text (whitespace collapsed, as HTML collapses it).
@Suite struct AnkiHTMLEscapingPropertyTests {
    @Test func anyTextReadsBackAsWrittenThroughMarkdown() {
        let alphabet = Array("*_`[]()<>!#-+=.~\\&;:|\"' a1b\n")
        var random = SeededRandom(seed: 0x9E37_79B9_7F4A_7C15)
        func next() -> Int { random.next() }
        var failures: [String] = []
        for _ in 0..<3000 {
            let length = 1 + next() % 14
            let text = String((0..<length).map { _ in alphabet[next() % alphabet.count] })
            let html = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            let markdown = AnkiHTML.markdown(fromHTML: html)
            let shown = shownText(ofMarkdown: markdown)
            if collapsed(shown) != collapsed(text) { failures.append("\(text.debugDescription) -> \(markdown.debugDescription)") }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func anyTextInsideBoldItalicCodeAndLinksReadsBackAsWritten() {
        let alphabet = Array("*_`[]()<>!#-+=.\\&| a1b")
        var random = SeededRandom(seed: 42)
        func next() -> Int { random.next() }
        func part() -> String { String((0..<(1 + next() % 6)).map { _ in alphabet[next() % alphabet.count] }) }
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        let wrappers = [("<b>", "</b>"), ("<i>", "</i>"), ("<code>", "</code>"), ("<a href=\"https://x.org\">", "</a>"),
            ("<b><i>", "</i></b>"), ("", "")]
        var failures: [String] = []
        for _ in 0..<3000 {
            let parts = (0..<3).map { _ in part() }
            var html = "", text = ""
            for piece in parts {
                let (open, close) = wrappers[next() % wrappers.count]
                html += open + escaped(piece) + close
                text += piece
            }
            let markdown = AnkiHTML.markdown(fromHTML: html)
            if collapsed(shownText(ofMarkdown: markdown)) != collapsed(text) {
                failures.append("\(html.debugDescription) -> \(markdown.debugDescription)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(15).joined(separator: "\n"))")
    }
}

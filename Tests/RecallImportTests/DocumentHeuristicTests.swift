import Testing
@testable import RecallImport

/// Documents without card markup: notes, FAQs, pasted answers.
@Suite struct DocumentHeuristicTests {
    @Test func titledNotesGiveSectionCardsWithTheirContext() throws {
        let text = """
            # Networking

            ## TCP

            TCP is a reliable, connection-oriented protocol.

            ### Three-way handshake

            The client sends SYN, the server answers SYN-ACK, the client ACK.

            ### Flow control

            The receiver advertises a *sliding window*; see [RFC 793](https://www.rfc-editor.org/rfc/rfc793).

            ## UDP

            UDP is connectionless and does not retransmit.
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["Networking: TCP?", "TCP: Three-way handshake?", "TCP: Flow control?", "Networking: UDP?"])
        #expect(notes[2].back == "The receiver advertises a *sliding window*; see [RFC 793](https://www.rfc-editor.org/rfc/rfc793).")
        #expect(notes.map(\.line) == [3, 7, 11, 15])
    }

    @Test func titleCaseHeadingsBecomeSentenceCaseButNamesStay() throws {
        let text = """
            # Caching

            Caching keeps results close to where they are used, with Redis or a local map.

            ### Use Expiry for Stale Entry Eviction

            Give each entry a time to live, so a stale entry goes away.

            ### Choosing Between Redis and Memcached

            Memcached is simpler; Redis also persists.

            ### Warm-Up Strategies

            Load hot keys at start.
            """
        let fronts = try parseText(text).notes.map(\.front)
        // "Eviction" appears nowhere else but follows its phrase; "Redis" is capitalised
        // mid-sentence and "Memcached" at a sentence start: both are names and stay.
        #expect(fronts.contains("Caching: use expiry for stale entry eviction?"))
        #expect(fronts.contains("Caching: choosing between Redis and Memcached?"))
        // Hyphenated parts count as words of the phrase.
        #expect(fronts.contains("Caching: warm-up strategies?"))
        // "… close to where they are used" defines nothing: no "What are Caching keeps …?" card.
        #expect(!fronts.contains(where: { $0.contains("keeps") }))
    }

    @Test func questionHeadingsAreFrontsAndCodeCommentsAreNot() throws {
        let text = """
            ## What is Docker?

            Docker packages applications into containers.

            ```bash
            # build an image
            docker build -t app .
            ```

            ## Why use containers?

            - Reproducible environments
            - Isolation
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is Docker?", "Why use containers?"])
        #expect(notes[0].back == "Docker packages applications into containers.\n\n```bash\n# build an image\ndocker build -t app .\n```")
    }

    @Test func paragraphsThatAskAreFronts() throws {
        let text = "What is a closure?\n\nA closure is a function that captures variables.\n\nHow do you create one?\n\nReturn an inner function:\n\n```js\nfunction f() { return () => 1 }\n```\n"
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is a closure?", "How do you create one?"])
        #expect(notes[1].back == "Return an inner function:\n\n```js\nfunction f() { return () => 1 }\n```")
    }

    @Test func numberedBoldQuestionsWithUnindentedAnswers() throws {
        let text = "Here are some Git questions:\n\n1. **What is a rebase?**\n\nA rebase replays commits.\n\n2. **Merge or rebase?**\n\nMerge keeps history.\n\n```bash\ngit rebase main\n```\n"
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is a rebase?", "Merge or rebase?"])
        #expect(notes.map(\.back) == ["A rebase replays commits.", "Merge keeps history.\n\n```bash\ngit rebase main\n```"])
    }

    @Test func boldLabelItemsWithExplanationsBecomeCards() throws {
        let text = """
            Caching in web applications is the practice of storing responses for reuse.

            ### Strategies

            1. **Write-through:**
               - Writes go to the cache and the store together.
            2. **Write-back:**
               - Writes go to the cache first and reach the store later.
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is Caching in web applications?", "Caching in web applications: Write-through?",
                                       "Caching in web applications: Write-back?"])
        #expect(notes[1].back == "- Writes go to the cache and the store together.")
    }

    @Test func examplesAndSummariesJoinTheCardTheyBelongTo() throws {
        let text = """
            # Rust ownership

            Ownership is Rust's most unique feature.

            ## Borrowing

            References let you use a value without taking ownership.

            ## Lifetimes

            Lifetimes ensure references stay valid.

            ### Example

            ```rust
            fn longest<'a>(x: &'a str, y: &'a str) -> &'a str { x }
            ```

            ## Summary

            Ownership, borrowing and lifetimes make memory safety checkable.
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is ownership?", "Rust ownership: borrowing?", "Rust ownership: lifetimes?"])
        #expect(notes[0].back == "Ownership is Rust's most unique feature.\n\n## Summary\n\nOwnership, borrowing and lifetimes make memory safety checkable.")
        #expect(notes[2].back.hasSuffix("### Example\n\n```rust\nfn longest<'a>(x: &'a str, y: &'a str) -> &'a str { x }\n```"))
    }

    @Test func sectionsWithoutAnAnswerAreNotCards() throws {
        let notes = try parseText("## Empty\n\n## Only a rule\n\n---\n\n## Real\n\nThis one has an answer.\n", name: "trivial.md").notes
        #expect(notes.map(\.front) == ["Trivial: Real?"])
    }

    @Test func setextHeadingsAndATitleThatOpensTheLead() throws {
        let text = "Kubernetes\n==========\n\nKubernetes orchestrates containers.\n\nPods\n----\n\nA pod is the smallest deployable unit.\n"
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is Kubernetes?", "Kubernetes: pods?"])
        #expect(notes[1].back == "A pod is the smallest deployable unit.")
    }

    @Test func duplicateFrontsGetMoreContextThenNumbers() throws {
        let text = """
            # Go

            ## Maps

            ### Syntax

            `map[K]V`

            ## Slices

            ### Syntax

            `[]T` (a slice of T)
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["Maps: Syntax?", "Slices: Syntax?"])
        let twice = try parseText("## Setup\n\nInstall it.\n\n## Setup\n\nConfigure it.\n", name: "tool.md").notes
        #expect(twice.map(\.front) == ["Tool: Setup?", "Tool: Setup? (2)"])
    }

    @Test func pastedAnswersAreSplitAtLeadSentences() throws {
        let text = """
            A mutex is a lock that lets one thread at a time into a critical section. Here are its uses:

            ### Guarding state

            Wrap shared data in the mutex.

            ### Ordering

            Always lock in the same order.

            Channels are typed conduits between goroutines. Here is how they work:

            ### Buffering

            A buffered channel holds values until they are received.
            """
        let notes = try parseText(text).notes
        #expect(notes.map(\.front) == ["What is a mutex?", "Mutex: Guarding state?", "Mutex: Ordering?",
                                       "What are channels?", "Channels: Buffering?"])
        #expect(notes[0].back == "A mutex is a lock that lets one thread at a time into a critical section.")
    }
}

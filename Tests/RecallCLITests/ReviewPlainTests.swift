import Foundation
import Testing

/// Issue 6: `recall review` without a terminal, through pipes: line by line.
@Suite struct ReviewPlainTests {
    @Test func pipesGetTheFrontTheBackARatingPromptAndTheSummary() throws {
        let sandbox = try RecallSandbox.withNumberedCards(3)
        let result = try sandbox.run(["review"], stdin: "\n3\n\nnonsense\nagain\nq\n")
        #expect(result.status == 0, "\(result.stderr)")
        let out = result.stdout
        #expect(out.contains("card 1 · D · 3 new · 0 learning · 0 review left today\nquestion 1\n[Enter] to show the answer"))
        #expect(out.contains("--- answer ---\nanswer 1\nAgain 1m · Hard 6m · Good 10m · Easy 8d\n"))
        #expect(out.contains("Rating (1 again, 2 hard, 3 good, 4 easy, u undo, s suspend, b bury, f flag, q quit): \nGood: next in 10m"))
        #expect(out.contains("Please type 1, 2, 3 or 4 (or u, s, b, f, q)."))
        #expect(out.contains("Again: next in 1m"))
        #expect(out.contains("Studied 2 cards in 0s · Again 50% (1 of 2 answers)"))
        #expect(!out.contains("\u{1B}"))
        #expect(try sandbox.ratings(ofCard: 1) == [3])
        #expect(try sandbox.ratings(ofCard: 2) == [1])
        #expect(try sandbox.ratings(ofCard: 3) == [])
    }

    @Test func theDeckIsGivenAsAnArgumentOrWithDeckLikeOtherCommands() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        try sandbox.ok(["add", "--deck", "Other", "--front", "other question", "--back", "other answer"])
        for arguments in [["review", "Other"], ["review", "--deck", "Other"]] {
            let result = try sandbox.run(arguments, stdin: "q\n")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("other question") && !result.stdout.contains("question 1"))
        }
        #expect(try sandbox.run(["review", "D", "--deck", "Other"]).status == 64)
    }

    @Test func endOfInputQuitsWithTheSummaryAndExitZero() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        let result = try sandbox.run(["review"], stdin: "")
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("No cards studied.\nDue tomorrow: 0 cards.\n"))
    }

    @Test func theLastCardEndsTheSessionWithWhenTheNextIsDue() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        let result = try sandbox.run(["review"], stdin: "\n4\n")
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("""
            Studied 1 card in 0s · Again 0% (0 of 1 answer)
            All done for now; the next card is due 2026-12-03 04:00 (in 8d).
            Due tomorrow: 0 cards.

            """))
    }

    @Test func aLearningCardDueInMinutesIsStillDueTodayNotTomorrow() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        let result = try sandbox.run(["review"], stdin: "\n3\n")
        #expect(result.status == 0)
        #expect(result.stdout.hasSuffix("""
            Studied 1 card in 0s · Again 0% (0 of 1 answer)
            Still due today: 1 card.
            Due tomorrow: 0 cards.

            """))
    }

    @Test func undoSuspendAndBuryWorkLineByLine() throws {
        let sandbox = try RecallSandbox.withNumberedCards(4)
        let result = try sandbox.run(["review"], stdin: "\n4\nu\n\ng\ns\n\nb\n\n2\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("undid Easy on card 1"))
        #expect(result.stdout.contains("card 2 suspended · u undoes"))
        #expect(result.stdout.contains("card 3 buried until tomorrow · u undoes"))
        #expect(try sandbox.ratings(ofCard: 1) == [3])
        #expect(try sandbox.ratings(ofCard: 4) == [2])
        #expect(try sandbox.cardJSON(2)["suspended"] as? Bool == true)
    }

    @Test func undoTakesBackASuspensionAndABurialToo() throws {
        let sandbox = try RecallSandbox.withNumberedCards(2)
        let result = try sandbox.run(["review"], stdin: "s\nu\nb\nu\nq\n")
        #expect(result.stdout.contains("card 1 suspended · u undoes\n\ncard 2"))
        #expect(result.stdout.contains("card 1 unsuspended\n\ncard 1"))
        #expect(result.stdout.contains("card 1 buried until tomorrow · u undoes\n\ncard 2"))
        #expect(result.stdout.contains("card 1 unburied\n\ncard 1"))
        #expect(try sandbox.cardJSON(1)["suspended"] as? Bool == false)
        #expect(try sandbox.openStore().requireCard(1).buriedUntil == nil)
    }

    @Test func aBuriedLearningCardWaitsUntilTomorrow() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        try sandbox.ok(["answer", "1", "again"])
        let result = try sandbox.run(["review"], stdin: "b\nq\n")
        #expect(result.stdout.contains("card 1 buried until tomorrow"))
        #expect(try sandbox.openStore().requireCard(1).buriedUntil != nil)
        let next = try sandbox.ok(["next", "--json"], environment: ["RECALL_NOW": "2026-11-25T12:30:00Z"])
        #expect(next.contains("\"card\": null"))
    }

    @Test func aHostileCardIsPrintedAsPlaceholders() throws {
        let sandbox = try RecallSandbox.withCards([(front: "title\u{1B}]0;pwned\u{07} clear\u{1B}[2J", back: "back\u{202E}")])
        let result = try sandbox.run(["review"], stdin: "\n3\n")
        #expect(result.stdout.contains("title␛]0;pwned␇ clear␛[2J"))
        #expect(result.stdout.contains("back<U+202E>"))
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(!result.stdout.contains("\u{07}"))
    }

    @Test func nothingDueSaysSoWithWhenTheNextCardIsDue() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        try sandbox.ok(["answer", "1", "easy"])
        let result = try sandbox.run(["review"], stdin: "")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("nothing due now; the next card is due 2026-12-03 04:00 (in "))
        let empty = RecallSandbox()
        try empty.ok(["init", "--empty"])
        #expect(try empty.ok(["review"], stdin: "") == "nothing to study: no cards are due\n")
    }

    @Test func cramAnswersLeaveTheStoreUnchanged() throws {
        let sandbox = try RecallSandbox.withNumberedCards(2)
        try sandbox.ok(["answer", "1", "easy"])
        let before = try sandbox.cardJSON(1) as NSDictionary
        let result = try sandbox.run(["review", "--cram"], stdin: "\n1\n\n3\n\n2\n")
        #expect(result.status == 0, "\(result.stderr)")
        // Card 1 is scheduled (due in 8 days) and comes first; new card 2 follows.
        #expect(result.stdout.contains("card 1 · D · cram: schedule unchanged · 2 left"))
        #expect(result.stdout.contains("Again: next in 10m (cram: schedule unchanged)"))
        #expect(result.stdout.contains("Crammed 2 cards"))
        #expect(try sandbox.cardJSON(1) as NSDictionary == before)
        #expect(try sandbox.ratings(ofCard: 2) == [])
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        #expect(try sandbox.run(["review", "--limit", "5"]).status == 64)
        #expect(try sandbox.run(["review", "--cram", "--limit", "0"]).status == 64)
        #expect(try sandbox.fails(["review", "Nope"], status: 1) == "recall: error: deck \"Nope\" not found")
    }
}

import Foundation
import RecallAnki
import RecallModel
import RecallScheduler
import RecallStore
import Testing

/// Importing packages into a store: every card with its deck, tags, schedule and history, and
/// re-imports that update in place.
@Suite struct AnkiImportTests {
    func importPackage(_ name: String, into store: Store, deck: String? = nil, now: Millis = Fixture.exportDay,
                       dryRun: Bool = false) throws -> AnkiImportReport {
        try AnkiImporter.run(path: Fixture.path(name), into: store, deckPrefix: deck, dryRun: dryRun, now: now,
                             timeZone: Fixture.utc)
    }

    /// Card by Anki GUID and ord.
    func cardsByAnkiID(_ store: Store) throws -> [String: CardRecord] {
        var result: [String: CardRecord] = [:]
        for link in try store.ankiCards() { result["\(link.guid)/\(link.ordinal)"] = try store.card(link.cardID) }
        return result
    }

    @Test(arguments: PackageReadingTests.genanki)
    func aGenankiPackageBecomesOneNewCardPerAnkiCardInItsDeckWithItsTags(name: String) throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let expected = try Fixture.expected("\(name).expected.json")
        let report = try importPackage("\(name).apkg", into: store)
        let notes = expected["notes"] as? [[String: Any]] ?? []
        let cardCount = (expected["counts"] as? [String: Int])?["cards"] ?? -1
        #expect(report.counts.notesAdded == cardCount)
        let cards = try cardsByAnkiID(store)
        #expect(cards.count == cardCount)
        for note in notes {
            let guid = note["guid"] as? String ?? ""
            for card in note["cards"] as? [[String: Any]] ?? [] {
                let stored = try #require(cards["\(guid)/\(card["ord"] as? Int ?? -1)"])
                #expect(stored.deck == card["deck"] as? String)
                #expect(stored.tags == note["tags"] as? [String])
                #expect(stored.kind == .basic)
                #expect(stored.state.phase == .new)
                #expect(!stored.front.isEmpty)
            }
        }
        // Decks the expected file lists (implied parents included, the unused Default not).
        let decks = Set(try store.decks().map(\.name)).subtracting(["Python interview"])
        #expect(decks == Set(expected["decks"] as? [String] ?? []))
        #expect(try store.checkReplay(timeZone: Fixture.utc, fix: false).isEmpty)
    }

    @Test func mediaIsStoredOnceByContentAndCardTextKeepsItsNames() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let report = try importPackage("media.apkg", into: store)
        #expect(report.mediaFiles == 2)
        let media = try store.allMedia()
        #expect(Set(media.map(\.name)) == ["red_square.png", "beep.mp3"])
        for file in media {
            let data = try Data(contentsOf: URL(fileURLWithPath: store.mediaContentPath(file)))
            #expect(SHA256.hex(of: data) == file.sha256)
        }
        #expect(try store.cards().contains { $0.front.contains("[sound:beep.mp3]") })
    }

    @Test(arguments: ["generated/history.apkg", "generated/history-legacy.apkg", "generated/history.colpkg"])
    func everyCardHasTheScheduleAnkiShowsAndItsHistory(package: String) throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let report = try importPackage(package, into: store)
        let expected = try Fixture.expected(package.hasSuffix("colpkg") ? "generated/history-colpkg.expected.json"
                                                                         : "generated/history.expected.json")
        let clock = DayClock(timeZone: Fixture.utc, rolloverHour: 4)
        let cards = try cardsByAnkiID(store)
        let logs = try store.syncReviews(ofCards: cards.values.map(\.id))
        var answers = 0
        for note in expected["notes"] as? [[String: Any]] ?? [] {
            let guid = note["guid"] as? String ?? ""
            for want in note["cards"] as? [[String: Any]] ?? [] {
                let card = try #require(cards["\(guid)/\(want["ord"] as? Int ?? -1)"])
                let type = want["type"] as? Int ?? -1, queue = want["queue"] as? Int ?? 0
                #expect(card.deck == want["deck"] as? String)
                #expect(card.state.phase == [Phase.new, .learning, .review, .relearning][type], "\(guid)")
                if let date = want["due_date"] as? String {
                    #expect(card.state.due.map { ISOTime.format($0).prefix(10) } == Substring(date), "\(guid) due")
                    #expect(card.state.due.map(clock.dayNumber) == ISOTime.parse(date + "T12:00:00Z").map(clock.dayNumber))
                }
                if let unix = want["due_unix"] as? Int64 { #expect(card.state.due == unix * 1000, "\(guid) due") }
                if type == 0 { #expect(card.state.due == nil) }
                #expect(card.state.intervalDays == want["interval"] as? Int ?? -1)
                #expect(card.state.reps == want["reps"] as? Int)
                #expect(card.state.lapses == want["lapses"] as? Int)
                if let s = want["stability"] as? Double { #expect(card.state.stability == s) }
                if let d = want["difficulty"] as? Double { #expect(card.state.difficulty == d) }
                #expect(card.suspended == (queue == -1))
                #expect((card.buriedUntil != nil) == (queue == -2 || queue == -3))
                #expect(card.flag == ((want["flag"] as? Int ?? 0) > 0 ? 1 : 0))  // recall's one flag for any colour
                // Every answer of the revlog is a review with the row's time and rating; manual
                // entries (type 4) are not.
                let revlog = (want["revlog"] as? [[String: Any]] ?? []).filter { ($0["type"] as? Int ?? 9) <= 3 }
                let log = logs[card.id] ?? []
                #expect(log.map(\.at) == revlog.map { $0["id"] as? Int64 ?? 0 }, "\(guid)")
                #expect(log.map(\.rating.rawValue) == revlog.map { $0["ease"] as? Int ?? 0 })
                #expect(log.map(\.durationMS) == revlog.map { $0["time_ms"] as? Int64 ?? 0 })
                answers += revlog.count
            }
        }
        #expect(report.counts.reviewsAdded == answers)
        #expect(report.revlogNotAnswers == 2)  // the due date set by hand, the card forgotten
        #expect(report.counts.checkpoints > 0)
        #expect(try store.checkReplay(timeZone: Fixture.utc, fix: false).isEmpty)
    }

    @Test func aCardForgottenBackToNewInAnkiIsNewWithItsHistoryKept() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("generated/history.apkg", into: store)
        let card = try #require(try cardsByAnkiID(store)["guidL/0"])
        #expect(card.state.phase == .new)
        #expect(try store.syncReviews(ofCards: [card.id])[card.id]?.count == 3)
        #expect(try store.checkpoints(ofCards: [card.id])[card.id]?.state.phase == .new)
    }

    @Test func deckOptionsComeAlongForTheDecksTheImportCreates() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("generated/history.apkg", into: store)
        let science = try #require(try store.deck(named: "Science"))
        let options = try store.options(forDeckID: science.id)
        #expect(options.newPerDay == 15)
        #expect(options.reviewsPerDay == 150)
        #expect(options.learningSteps == [120, 900])
        #expect(options.relearningSteps == [300])
        #expect(options.maximumInterval == 3650)
        #expect(abs(options.desiredRetention - 0.85) < 1e-9)
        #expect(options.parameters.count == 21 && abs(options.parameters[0] - 0.3) < 1e-6)
        let japanese = try #require(try store.deck(named: "Sprachen::日本語"))
        #expect(try store.options(forDeckID: japanese.id).learningSteps == [60, 600])  // Anki's defaults
    }

    @Test func theDeckOptionPutsEveryDeckUnderAPrefix() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("nested.apkg", into: store, deck: "Imported")
        let decks = Set(try store.cards().map(\.deck))
        #expect(decks == ["Imported::Python::Concurrency"])
        #expect(try store.deck(named: "Imported::Python") != nil)
    }

    @Test func reimportingAnUnchangedPackageChangesNothing() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("generated/history.apkg", into: store)
        let before = try store.everything()
        let again = try importPackage("generated/history.apkg", into: store, now: Fixture.exportDay + 86_400_000)
        #expect(again.counts.notesAdded == 0)
        #expect(again.counts.notesUpdated == 0)
        #expect(again.counts.notesUnchanged == 16)
        #expect(again.counts.reviewsAdded == 0)
        #expect(try store.everything() == before)
    }

    @Test func aNewerPackageUpdatesCardsInPlaceAddsOnlyTheNewReviewsAndKeepsProgress() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("generated/history.apkg", into: store)
        let first = try cardsByAnkiID(store)
        // An answer given in recall before the newer package arrives.
        let answered = try #require(first["guidJ/1"])
        _ = try store.write {
            try store.answer(cardID: answered.id, rating: .good, durationMS: 1000, now: Fixture.exportDay + 86_400_000,
                             timeZone: Fixture.utc)
        }
        let v2 = try importPackage("generated/history-v2.apkg", into: store, now: Fixture.exportDay + 8 * 86_400_000)
        let second = try cardsByAnkiID(store)
        #expect(Set(second.keys) == Set(first.keys))
        for (key, card) in second { #expect(card.id == first[key]?.id) }
        #expect(v2.counts.notesAdded == 0)
        #expect(v2.counts.notesUpdated > 0)
        let expected = try Fixture.expected("generated/history-v2.expected.json")
        let answers = (expected["notes"] as? [[String: Any]] ?? []).flatMap { $0["cards"] as? [[String: Any]] ?? [] }
            .flatMap { $0["revlog"] as? [[String: Any]] ?? [] }.filter { ($0["type"] as? Int ?? 9) <= 3 }.count
        let logs = try store.syncReviews(ofCards: second.values.map(\.id))
        // Every Anki answer once, and the one given here.
        #expect(logs.values.reduce(0) { $0 + $1.count } == answers + 1)
        #expect(Set(logs.values.flatMap { $0.map(\.id) }).count == answers + 1)
        #expect(try store.syncReviews(ofCards: [answered.id])[answered.id]?.count == 3)
        // The edited note's text follows the package.
        #expect(second["guidD/0"]?.back.contains("exactly") == true)
        #expect(try store.ankiNote(guid: "guidD")?.fields.contains("(exactly)") == true)
        // guidH's relearning card was answered in Anki since: it is in review now.
        #expect(second["guidH/0"]?.state.phase == .review)
        #expect(try store.checkReplay(timeZone: Fixture.utc, fix: false).isEmpty)
        // And importing v2 again changes nothing.
        let before = try store.everything()
        let again = try importPackage("generated/history-v2.apkg", into: store, now: Fixture.exportDay + 9 * 86_400_000)
        #expect(again.counts.notesUpdated == 0 && again.counts.reviewsAdded == 0)
        #expect(try store.everything() == before)
    }

    @Test func anOlderPackageReimportedAfterAnswersHereKeepsTheseAnswersState() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        _ = try importPackage("generated/history.apkg", into: store)
        let card = try #require(try cardsByAnkiID(store)["guidA/0"])
        let answer = try store.write {
            try store.answer(cardID: card.id, rating: .good, durationMS: 900, now: Fixture.exportDay + 20 * 86_400_000,
                             timeZone: Fixture.utc)
        }
        _ = try importPackage("generated/history.apkg", into: store, now: Fixture.exportDay + 21 * 86_400_000)
        #expect(try store.card(card.id)?.state == answer.after)
        #expect(try store.checkReplay(timeZone: Fixture.utc, fix: false).isEmpty)
    }

    @Test func aDryRunCountsWhatAnImportWouldDoAndWritesNothing() throws {
        let folder = TemporaryFolder()
        let store = try folder.store()
        let before = try store.everything()
        let report = try importPackage("generated/history.apkg", into: store, dryRun: true)
        #expect(report.counts.notesAdded == 16)
        #expect(report.counts.reviewsAdded == 37)
        #expect(report.counts.decksAdded == ["Science", "Sprachen", "Sprachen::日本語"])
        #expect(try store.everything() == before)
        #expect(!FileManager.default.fileExists(atPath: store.mediaFolder))
    }

    @Test func reviewIdsAreTheSameOnEveryImportSoTwoStoresShareThem() throws {
        let one = TemporaryFolder(), two = TemporaryFolder()
        let a = try one.store(), b = try two.store()
        _ = try importPackage("generated/history.apkg", into: a)
        _ = try importPackage("generated/history-legacy.apkg", into: b, now: Fixture.exportDay + 3_600_000)
        func ids(_ store: Store) throws -> Set<String> {
            Set(try store.syncReviews(ofCards: try store.cards().map(\.id)).values.flatMap { $0.map { $0.id.description } })
        }
        #expect(try ids(a) == ids(b))
        #expect(try ids(a).allSatisfy { $0.count == 36 && $0.dropFirst(14).hasPrefix("7") })
        #expect(Set(try a.cards().map(\.guid)) == Set(try b.cards().map(\.guid)))
    }
}

import Foundation
import RecallAnki
import RecallModel
import RecallScheduler
import RecallStore
import Testing

/// Reading packages of every generation against the expected JSON beside them.
@Suite struct PackageReadingTests {
    static let genanki = ["basic", "reverse", "cloze", "nested", "media"]

    @Test(arguments: genanki)
    func aGenankiPackageReadsWithTheNotesCardsTagsAndMediaItsExpectedFileLists(name: String) throws {
        let expected = try Fixture.expected("\(name).expected.json")
        let reader = try AnkiPackageReader(path: Fixture.path("\(name).apkg"))
        let collection = reader.collection
        let counts = expected["counts"] as? [String: Int] ?? [:]
        #expect(reader.collectionEntry == "collection.anki2")
        #expect(collection.schemaVersion == 11)
        #expect(collection.notes.count == counts["notes"])
        #expect(collection.cards.count == counts["cards"])
        #expect(collection.revlog.count == counts["revlog"])
        #expect(collection.media.count == counts["media"])
        #expect(collection.noteTypes.count >= counts["notetypes"] ?? 0)
        let notes = expected["notes"] as? [[String: Any]] ?? []
        #expect(collection.notes.map(\.guid) == notes.map { $0["guid"] as? String ?? "" })
        #expect(collection.notes.map(\.tags) == notes.map { $0["tags"] as? [String] ?? [] })
        for (note, want) in zip(collection.notes, notes) {
            let type = collection.noteTypes.first { $0.id == note.noteTypeID }
            #expect(type?.name == want["notetype"] as? String)
            let fields = want["fields"] as? [String: String] ?? [:]
            #expect(type.map { Dictionary(uniqueKeysWithValues: zip($0.fieldNames, note.fields)) } == fields)
        }
        let media = expected["media"] as? [[String: Any]] ?? []
        #expect(collection.media.map(\.name) == media.map { $0["name"] as? String ?? "" })
        for file in collection.media {
            let data = try reader.mediaData(file)
            #expect(data.count == media.first { $0["name"] as? String == file.name }?["size"] as? Int)
        }
    }

    @Test(arguments: [("generated/history.apkg", "collection.anki21b", 18), ("generated/history-legacy.apkg", "collection.anki21", 11),
                      ("generated/history.colpkg", "collection.anki21b", 18)])
    func anAnkiWrittenPackageIsReadFromItsNewestCollectionNeverTheDecoy(package: String, entry: String, schema: Int) throws {
        let reader = try AnkiPackageReader(path: Fixture.path(package))
        #expect(reader.collectionEntry == entry)
        #expect(reader.collection.schemaVersion == schema)
        let expected = try Fixture.expected("generated/history.expected.json")
        let counts = expected["counts"] as? [String: Int] ?? [:]
        #expect(reader.collection.notes.count == counts["notes"])
        #expect(reader.collection.cards.count == counts["cards"])
        #expect(reader.collection.revlog.count == counts["revlog"])
        #expect(!reader.collection.notes.contains { $0.fields.joined().contains("Please update to the latest Anki") })
        // Media: the PNG and the MP3, decompressed (zstd in the modern ones) to their real bytes.
        let names = Set(reader.collection.media.map(\.name))
        #expect(names == ["red ✓.png", "beep.mp3"])
        for file in reader.collection.media {
            let data = try reader.mediaData(file)
            #expect(data.count == (file.name == "beep.mp3" ? 417 : 79))
            if file.name.hasSuffix(".png") { #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47])) }
        }
    }

    @Test func schema18NoteTypesDecksAndOptionsComeFromTheirProtobufConfigs() throws {
        let collection = try AnkiPackageReader(path: Fixture.path("generated/history.apkg")).collection
        let vocab = try #require(collection.noteTypes.first { $0.name == "Vokabel ✓" })
        #expect(vocab.fieldNames == ["Wort", "Bedeutung", "Beispiel"])
        #expect(vocab.templates.map(\.name) == ["Erkennen", "Beispiel"])
        #expect(vocab.templates[1].questionFormat == "{{#Beispiel}}{{Beispiel}}{{/Beispiel}}")
        #expect(vocab.css.contains("font-size: 2em"))
        #expect(collection.noteTypes.first { $0.name == "Cloze" }?.kind == .cloze)
        #expect(collection.decks.contains { $0.nameParts == ["Sprachen", "日本語"] })
        let science = try #require(collection.decks.first { $0.nameParts == ["Science"] })
        let options = try #require(collection.deckConfigs.first { $0.id == science.configID })
        #expect(options.name == "Wissenschaft")
        #expect(options.newPerDay == 15)
        #expect(options.reviewsPerDay == 150)
        #expect(options.learningSteps == [2, 15])
        #expect(options.relearningSteps == [5])
        #expect(options.maximumInterval == 3650)
        #expect(abs(options.desiredRetention - 0.85) < 1e-6)
        #expect(options.fsrsParameters.count == 21)
        // Only a .colpkg carries the collection's FSRS switch.
        #expect(try AnkiPackageReader(path: Fixture.path("generated/history.colpkg")).collection.fsrsEnabled == true)
    }

    @Test func legacyAndModernPackagesOfOneCollectionReadTheSame() throws {
        let modern = try AnkiPackageReader(path: Fixture.path("generated/history.apkg")).collection
        let legacy = try AnkiPackageReader(path: Fixture.path("generated/history-legacy.apkg")).collection
        #expect(modern.notes == legacy.notes)
        #expect(modern.revlog == legacy.revlog)
        #expect(modern.cards.map(\.due) == legacy.cards.map(\.due))
        #expect(modern.cards.map(\.data) == legacy.cards.map(\.data))
        #expect(Set(modern.decks.map(\.name)) == Set(legacy.decks.map(\.name)))
        #expect(modern.deckConfigs.first { $0.name == "Wissenschaft" }?.learningSteps
            == legacy.deckConfigs.first { $0.name == "Wissenschaft" }?.learningSteps)
    }
}

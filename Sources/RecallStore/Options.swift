import Foundation
import RecallModel
import RecallScheduler

/// Scheduler options come in three layers: the built-in defaults, the store-wide overrides
/// (`settings.options`) and each deck's overrides (`decks.config`). Overrides are kept as the
/// text `recall config` accepted, so a value is re-validated by the same parser every time.
extension Store {
    /// Keys that belong to the whole store, because every deck must share one notion of "today".
    public static let storeWideKeys: Set<String> = ["rollover_hour"]

    static func decodeOverrides(_ json: String?) -> [String: String] {
        guard let json, let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in object {
            if let text = value as? String { result[key] = text } else { result[key] = "\(value)" }
        }
        return result
    }

    static func encodeOverrides(_ overrides: [String: String]) -> String {
        JSONValue.object(overrides.mapValues { .string($0) }).compact()
    }

    /// The store-wide overrides.
    public func storeOverrides() throws(StoreError) -> [String: String] {
        Self.decodeOverrides(try setting("options"))
    }

    /// A deck's own overrides.
    public func deckOverrides(_ deck: DeckRecord) -> [String: String] {
        Self.decodeOverrides(deck.config)
    }

    /// Applies overrides on top of `base`; an override that no longer parses is skipped rather than
    /// making the deck unusable (it is reported by `recall config`).
    static func apply(_ overrides: [String: String], to base: SchedulerOptions) -> SchedulerOptions {
        var options = base
        for key in overrides.keys.sorted() {
            if let value = overrides[key] { try? options.set(key, to: value) }
        }
        return options
    }

    /// The options in force for a deck (or store-wide with nil).
    public func options(forDeckID deckID: Int64?) throws(StoreError) -> SchedulerOptions {
        let global = Self.apply(try storeOverrides(), to: SchedulerOptions())
        guard let deckID else { return global }
        let config = try db.row("SELECT config FROM decks WHERE id = ?", [.integer(deckID)]) { $0.textValue(0) }
        var options = Self.apply(Self.decodeOverrides(config), to: global)
        options.rolloverHour = global.rolloverHour
        return options
    }

    /// The day clock of this store: days start at the store-wide rollover hour in `timeZone`.
    public func dayClock(timeZone: TimeZone) throws(StoreError) -> DayClock {
        DayClock(timeZone: timeZone, rolloverHour: try options(forDeckID: nil).rolloverHour)
    }

    /// Sets (or with nil value, removes) an override, store-wide or for one deck. Validates through
    /// `SchedulerOptions.set`; the text stored is the normalised value it prints back.
    @discardableResult
    public func setOption(_ key: String, to value: String?, deck: String?, now: Millis) throws -> String {
        var base = Self.apply(try storeOverrides(), to: SchedulerOptions())
        var overrides: [String: String]
        var deckRecord: DeckRecord?
        if let deck {
            try Self.checkDeckName(deck)
            let record = try requireDeck(named: deck)
            deckRecord = record
            overrides = deckOverrides(record)
            base = Self.apply(overrides, to: base)
        } else {
            overrides = try storeOverrides()
        }
        let name = key.trimmingCharacters(in: .whitespaces).lowercased()
        _ = try base.value(forKey: name)  // unknown keys fail here
        if deck != nil && Self.storeWideKeys.contains(name) {
            throw StoreError.invalid("\(name) applies to the whole store; set it without --deck")
        }
        if let value {
            try base.set(name, to: value)
            overrides[name] = try base.value(forKey: name)
        } else {
            overrides[name] = nil
        }
        let encoded = Self.encodeOverrides(overrides)
        if let deckRecord {
            try setDeckConfig(deckRecord.name, config: encoded, now: now)
        } else {
            try setSetting("options", encoded)
        }
        return try options(forDeckID: deckRecord?.id).value(forKey: name)
    }
}

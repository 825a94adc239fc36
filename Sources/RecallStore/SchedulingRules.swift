import Foundation
import RecallScheduler

/// Which version of the scheduling rules the cached card states were computed with.
///
/// A card's stored state is a cache of its review log's replay (DESIGN.md invariant 1). When
/// the rules change, so does the replay: version 2 keeps SM-2 ease in whole thousandths with
/// f32 intervals, makes a learning step that reaches the day rollover due at the rollover, and
/// fuzzes learning steps, all as Anki does. A store written by an older recall is brought up to
/// date once, when a command first opens it, so that `recall check` keeps holding.
extension Store {
    static let schedulingRulesKey = "scheduling_rules"
    /// The rules this binary schedules by.
    public static let schedulingRules = 2

    /// Replays every card with the current rules when the store's cache was computed with older
    /// ones, then records the version; nothing when it is current. Returns the cards changed.
    @discardableResult
    public func refreshCachedStates(timeZone: TimeZone) throws -> Int {
        let recorded = try setting(Self.schedulingRulesKey).flatMap { Int($0) } ?? 1
        guard recorded < Self.schedulingRules else { return 0 }
        return try write {
            let changed = try checkReplay(timeZone: timeZone, fix: true).count
            try setSetting(Self.schedulingRulesKey, String(Self.schedulingRules))
            return changed
        }
    }
}

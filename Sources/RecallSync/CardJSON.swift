import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// The card object of `--json` output and of export files (docs/json.md).
public enum CardJSON {
    /// `{"id","deck","note","front","back","tags","created","modified","suspended","state","reviews"}`,
    /// plus `short_id` (this store's number for the card), `kind` and `ordinal` when `local` is true.
    public static func object(_ card: CardRecord, reviews: [Review]?, local: Bool = true) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(card.guid),
            "deck": .string(card.deck),
            "note": .string(card.noteGUID),
            "kind": .string(card.kind.rawValue),
            "ordinal": .int(Int64(card.ordinal)),
            "front": .string(card.front),
            "back": .string(card.back),
            "tags": .array(card.tags.map { .string($0) }),
            "created": .string(ISOTime.format(card.created)),
            "modified": .string(ISOTime.format(card.modified)),
            "suspended": .bool(card.suspended),
            "state": state(card.state),
        ]
        if local {
            members["short_id"] = .int(card.id)
            members["flag"] = .int(Int64(card.flag))
            if let source = card.source { members["source"] = .string(source) }
            if let line = card.sourceLine { members["source_line"] = .int(Int64(line)) }
        }
        if let reviews { members["reviews"] = .array(reviews.map(review)) }
        return .object(members)
    }

    public static func state(_ state: CardState) -> JSONValue {
        .object([
            "phase": .string(state.phase.rawValue),
            "due": state.due.map { .string(ISOTime.format($0)) } ?? .null,
            "stability": state.stability.map { .double($0) } ?? .null,
            "difficulty": state.difficulty.map { .double($0) } ?? .null,
            "reps": .int(Int64(state.reps)),
            "lapses": .int(Int64(state.lapses)),
            "last_review": state.lastReview.map { .string(ISOTime.format($0)) } ?? .null,
        ])
    }

    public static func review(_ review: Review) -> JSONValue {
        .object([
            "id": .string(review.id.description),
            "at": .string(ISOTime.format(review.at)),
            "rating": .int(Int64(review.rating.rawValue)),
            "duration_ms": .int(review.durationMS),
        ])
    }
}

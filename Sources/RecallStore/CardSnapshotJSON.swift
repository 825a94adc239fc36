import Foundation
import RecallModel
import RecallScheduler

/// A card snapshot (kept in a card tombstone) as compact JSON: the members of a deck file's card
/// object (docs/json.md) plus `deck`, the deck's id. The store keeps it in `tombstones.card`;
/// deck files carry it as the tombstone's `card` member, in the same text.
extension CardSnapshot {
    /// The snapshot of card `id` (the tombstone's id: a deck file's card object has one).
    public func json(id: String) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id),
            "back": .string(content.back), "created": .string(ISOTime.format(created)), "deck": .string(deck),
            "front": .string(content.front), "kind": .string(content.kind.rawValue),
            "modified": .string(ISOTime.format(modified)), "moved": .string(ISOTime.format(moved)), "note": .string(note),
            "ordinal": .int(Int64(ordinal)), "suspended": .bool(marks.suspended),
            "suspended_at": .string(ISOTime.format(marks.suspendedAt)), "flag": .int(Int64(marks.flag)),
            "flagged_at": .string(ISOTime.format(marks.flaggedAt)), "buried_at": .string(ISOTime.format(marks.buriedAt)),
            "tags": .array(content.tags.map { .string($0) }),
        ]
        if !reviews.isEmpty {
            members["reviews"] = .array(reviews.map { review in
                .object(["at": .string(ISOTime.format(review.at)), "duration_ms": .int(review.durationMS),
                         "id": .string(review.id.description), "rating": .int(Int64(review.rating.rawValue))])
            })
        }
        if let day = marks.buriedUntil { members["buried_until"] = .string(ISOTime.formatDay(day)) }
        if let origin {
            members["origin"] = .object([
                "answer_key": .string(origin.answerKey), "content_key": .string(origin.contentKey), "file": .string(origin.file),
                "line": origin.line.map { .int(Int64($0)) } ?? .null, "question_key": .string(origin.questionKey),
            ])
        }
        return .object(members)
    }

    /// Reads what `json` wrote; nil for anything else (a damaged row is then no snapshot, as
    /// for a tombstone from before recall kept them).
    public init?(json text: String) {
        guard let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        func time(_ key: String) -> Millis? { (object[key] as? String).flatMap(ISOTime.parse) }
        func string(_ key: String) -> String? { object[key] as? String }
        func int(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
        guard let note = string("note"), let deck = string("deck"), let ordinal = int("ordinal"),
              let kind = string("kind").flatMap(NoteKind.init(rawValue:)), let front = string("front"),
              let back = string("back"), let created = time("created"), let modified = time("modified"),
              let moved = time("moved"), let suspendedAt = time("suspended_at"), let flaggedAt = time("flagged_at"),
              let buriedAt = time("buried_at")
        else { return nil }
        var origin: NoteOrigin?
        if let fields = object["origin"] as? [String: Any], let file = fields["file"] as? String {
            origin = NoteOrigin(file: file, line: (fields["line"] as? NSNumber)?.intValue,
                                questionKey: fields["question_key"] as? String ?? "", answerKey: fields["answer_key"] as? String ?? "",
                                contentKey: fields["content_key"] as? String ?? "")
        }
        self.init(
            note: note, deck: deck, ordinal: ordinal,
            content: CardContent(kind: kind, front: front, back: back, tags: object["tags"] as? [String] ?? []),
            created: created, modified: modified, moved: moved,
            marks: CardMarks(suspended: (object["suspended"] as? NSNumber)?.boolValue ?? false, suspendedAt: suspendedAt, flag: int("flag") ?? 0,
                             flaggedAt: flaggedAt, buriedUntil: string("buried_until").flatMap(ISOTime.parseDay),
                             buriedAt: buriedAt),
            origin: origin,
            reviews: (object["reviews"] as? [[String: Any]] ?? []).compactMap { review in
                guard let id = review["id"] as? String, let at = (review["at"] as? String).flatMap(ISOTime.parse),
                      let rating = ((review["rating"] as? NSNumber)?.intValue).flatMap(Rating.init(rawValue:))
                else { return nil }
                return Review(id: ReviewID(id), at: at, rating: rating, durationMS: (review["duration_ms"] as? NSNumber)?.int64Value ?? 0)
            }.sorted(by: Review.logOrder))
    }
}

"""The Anki side of scripts/bench-anki.sh, with the Anki Python package (Anki's Rust backend).

    generate COLLECTION NOTES REVIEWED_CARDS_REVLOG   a collection to export (see below)
    export COLLECTION OUT.apkg legacy|modern           Anki's own export; prints its seconds
    import PACKAGE COLLECTION                          Anki's own import into an empty collection;
                                                       prints its seconds and what it imported

Each timed command prints `seconds=<s>` (wall) and `cpu=<s>` (user + system, all threads) for
the operation alone, not Python's start-up.
"""

import json
import os
import random
import sys
import time

from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest


def generate(path, notes, revlog_rows):
    """NOTES notes in 10 decks, one in five a Basic (and reversed card) note (50,000 notes make
    60,000 cards), FSRS on; then REVLOG_ROWS review rows spread over the cards, written straight
    into the collection in one transaction with each card's review state to match, and Anki's
    Check Database run over the result."""
    rng = random.Random(7)
    col = Collection(path)
    col.set_config("fsrs", True)
    basic = col.models.by_name("Basic")
    reverse = col.models.by_name("Basic (and reversed card)")
    decks = [col.decks.id(f"Bench::Deck {i}") for i in range(10)]
    start = time.time()
    requests = []
    for i in range(1, notes + 1):
        note = col.new_note(reverse if i % 5 == 0 else basic)
        note["Front"] = f"Question number {i}: what does <code>f({i})</code> return when called twice?"
        note["Back"] = f"It returns {i} the first time and caches it.<br><pre><code>f({i})</code></pre>"
        note.tags = ["bench", f"group::{i % 7}"]
        requests.append(AddNoteRequest(note=note, deck_id=decks[i % 10]))
        if len(requests) == 5000:
            col.add_notes(requests)
            requests = []
    if requests:
        col.add_notes(requests)
    card_ids = col.db.list("SELECT id FROM cards ORDER BY id")
    print(f"notes: {col.note_count()}, cards: {len(card_ids)} in {time.time() - start:.1f} s", file=sys.stderr)

    start = time.time()
    today = col.sched.today
    day_ms = 86_400_000
    now_ms = int(time.time() * 1000)
    per_card, extra = divmod(revlog_rows, len(card_ids))
    rows = []
    updates = []
    used = set()
    for index, cid in enumerate(card_ids):
        count = per_card + (1 if index < extra else 0)
        at = now_ms - 400 * day_ms + index * 1000
        ivl = 0
        lapses = 0
        for k in range(count):
            ease = rng.choices([1, 2, 3, 4], [8, 10, 72, 10])[0]
            last = ivl
            if k == 0:
                kind, ivl = 0, 1
            elif ease == 1:
                kind, ivl, lapses = 1, 1, lapses + 1
            else:
                kind, ivl = 1, max(1, int(ivl * (1.2 if ease == 2 else 2.5 if ease == 3 else 3.5)))
            while at in used:  # revlog ids are unique answer times in ms
                at += 1
            used.add(at)
            rows.append((at, cid, ease, ivl, last, 2500, rng.randint(2000, 20000), kind))
            at += max(1, ivl) * day_ms // 4 + 1
        due = today + rng.randint(-5, 60)
        stability = round(rng.uniform(1, 120), 4)
        difficulty = round(rng.uniform(1, 10), 4)
        data = json.dumps({"s": stability, "d": difficulty, "dr": 0.9, "decay": 0.1542, "lrt": at // 1000 - 86400},
                          separators=(",", ":"))
        updates.append((due, min(ivl, 36500), count, lapses, data, cid))
    col.db.execute("BEGIN")  # one transaction: Anki's DB proxy otherwise commits per statement
    col.db.executemany("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)", rows)
    col.db.executemany("UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, reps = ?, lapses = ?, factor = 2500, "
                       "data = ? WHERE id = ?", updates)
    col.db.execute("COMMIT")
    print(f"revlog: {col.db.scalar('SELECT count() FROM revlog')} rows in {time.time() - start:.1f} s", file=sys.stderr)
    start = time.time()
    problems, ok = col.fix_integrity()
    print(f"check database: {'nothing to fix' if ok else 'fixed'} in {time.time() - start:.1f} s"
          + (f" ({problems.splitlines()[0]})" if problems.strip() else ""), file=sys.stderr)
    col.close()


def export(path, out, kind):
    col = Collection(path)
    start, cpu = time.time(), time.process_time()
    col.export_anki_package(out_path=out, limit=None, options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=True, legacy=kind == "legacy"))
    print(f"seconds={time.time() - start:.3f}")
    print(f"cpu={time.process_time() - cpu:.3f}")
    col.close()


def import_package(package, path):
    col = Collection(path)
    start, cpu = time.time(), time.process_time()
    col.import_anki_package(ImportAnkiPackageRequest(package_path=package, options=ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, merge_notetypes=True)))
    print(f"seconds={time.time() - start:.3f}")
    print(f"cpu={time.process_time() - cpu:.3f}")
    print(f"notes={col.note_count()} cards={col.card_count()} revlog={col.db.scalar('SELECT count() FROM revlog')}")
    col.close()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "generate":
        generate(args[0], int(args[1]), int(args[2]))
    elif command == "export":
        export(*args)
    elif command == "import":
        import_package(*args)
    else:
        sys.exit(__doc__)

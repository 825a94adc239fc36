"""Makes the Anki-written test packages in Tests/Fixtures/anki/anki-made/ with Anki itself.

Run with the venv that has the Anki Python package (its Rust backend is the real Anki):

    $(scripts/anki-venv.sh) scripts/make-anki-fixtures.py

One collection, with FSRS on and a review history made by Anki's own scheduler (learning steps,
graduation, a lapse and relearning, a suspended, a buried and a flagged card), media (a picture
and a sound), a custom note type, a reversed and a cloze note, nested decks and unicode in every
field, tag and name, is written three ways:

* `modern.apkg`       - Anki's current export (`collection.anki21b`, zstd, protobuf meta and media map)
* `legacy.apkg`       - "support older Anki versions" (`collection.anki21`, JSON media map)
* `collection.colpkg` - the whole collection

Each gets `<name>.expected.json`: the zip entries, counts, notes (guid, note type, fields by
name, tags), cards (deck, template, queue, type, due as a calendar date or unix seconds for
intraday learning, interval, reps, lapses, flags, FSRS memory state) and revlog rows. Answers are
given at the real time of the run, seconds apart; the expected dates are the run's local days
(rollover 04:00), so rebuilding changes the files.
"""

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import zipfile

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.scheduler.v3 import CardAnswer

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "anki", "anki-made")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(120)


def answer(col, card_id, rating, *, pause_ms=3):
    card = col.get_card(card_id)
    card.start_timer()
    states = col._backend.get_scheduling_states(card_id)
    col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))
    # Revlog ids are answer times in ms: keep them apart, as a person's answers are.
    import time
    time.sleep(pause_ms / 1000)


def build(folder):
    col = Collection(os.path.join(folder, "collection.anki2"))
    col.set_config("fsrs", True)
    col.media.write_data("red_square.png", PNG)
    col.media.write_data("beep ünï.mp3", MP3)

    main = col.decks.id("Ünïcode Deck 🎴")
    sub = col.decks.id("Ünïcode Deck 🎴::子デッキ")
    basic = col.models.by_name("Basic")
    reversed_type = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")

    # A custom note type: three fields, two templates, one that only makes a card when a field is set.
    mm = col.models
    vocab = mm.new("Vocab ✓ 語彙")
    for name in ("Wörd", "Meaning 意味", "Audio 🔊"):
        mm.add_field(vocab, mm.new_field(name))
    recognise = mm.new_template("Recognise ➜")
    recognise["qfmt"] = "<div class=w>{{Wörd}}</div>{{Audio 🔊}}"
    recognise["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning 意味}}"
    produce = mm.new_template("Produce ⟲")
    produce["qfmt"] = "{{#Meaning 意味}}{{Meaning 意味}}{{/Meaning 意味}}"
    produce["afmt"] = "{{FrontSide}}<hr id=answer>{{Wörd}}"
    mm.add_template(vocab, recognise)
    mm.add_template(vocab, produce)
    vocab["css"] = ".card { font-family: serif; } .w { font-size: 2em; }"
    mm.add(vocab)
    vocab = mm.by_name("Vocab ✓ 語彙")

    def add(notetype, deck, fields, tags):
        note = col.new_note(notetype)
        for key, value in fields.items():
            note[key] = value
        note.tags = tags
        col.add_note(note, deck)
        return note

    notes = [
        add(basic, main, {"Front": "Was ist <b>Ärger</b>? ☕", "Back": "Trouble — «ennui» 😤<br>line two"}, ["deutsch", "émotion::négative"]),
        add(basic, main, {"Front": "Which shape? <img src=\"red_square.png\">", "Back": "A red square [sound:beep ünï.mp3]"}, ["media"]),
        add(basic, sub, {"Front": "<pre><code>for x in xs:\n    print(x)</code></pre>What runs?", "Back": "Each x, &lt;one per line&gt;"}, ["code"]),
        add(reversed_type, sub, {"Front": "el perro 🐕", "Back": "the dog"}, ["español"]),
        add(cloze, main, {"Text": "{{c1::Tōkyō}} is the capital of {{c2::日本::country}}.", "Back Extra": "首都 — shuto"}, ["geo::asia"]),
        add(vocab, sub, {"Wörd": "猫", "Meaning 意味": "cat 🐈", "Audio 🔊": "[sound:beep ünï.mp3]"}, ["日本語"]),
        add(vocab, sub, {"Wörd": "犬", "Meaning 意味": "", "Audio 🔊": ""}, ["日本語"]),  # one card only
        add(basic, main, {"Front": "Never studied ✎", "Back": "stays new"}, []),
    ]
    cards = {i: [c.id for c in note.cards()] for i, note in enumerate(notes)}

    # Learning steps, graduation, a lapse and relearning, by Anki's own scheduler.
    answer(col, cards[0][0], CardAnswer.GOOD)        # learning, step 2
    answer(col, cards[0][0], CardAnswer.GOOD)        # graduates: review
    answer(col, cards[1][0], CardAnswer.EASY)        # straight to review
    answer(col, cards[1][0], CardAnswer.AGAIN)       # lapse: relearning
    answer(col, cards[2][0], CardAnswer.AGAIN)       # learning, step 1
    answer(col, cards[3][0], CardAnswer.EASY)        # review
    answer(col, cards[3][1], CardAnswer.HARD)        # learning
    answer(col, cards[4][0], CardAnswer.GOOD)
    answer(col, cards[4][0], CardAnswer.GOOD)        # review
    answer(col, cards[4][1], CardAnswer.EASY)        # review, then a lapse and back
    answer(col, cards[4][1], CardAnswer.AGAIN)
    answer(col, cards[4][1], CardAnswer.GOOD)
    answer(col, cards[5][0], CardAnswer.EASY)
    answer(col, cards[5][1], CardAnswer.GOOD)
    col.sched.suspend_cards([cards[3][0]])
    col.sched.bury_cards([cards[5][1]], manual=True)
    col.set_user_flag_for_cards(3, [cards[5][0]])
    return col


def expected(col, package, entries):
    today = col.sched.today
    local_today = (dt.datetime.now() - dt.timedelta(hours=4)).date()
    names = {f["name"]: i for i, f in enumerate([])}
    deck_name = lambda did: col.decks.name(did)
    out_notes = []
    card_index = {}
    for nid in sorted(col.find_notes("")):
        note = col.get_note(nid)
        model = note.note_type()
        out_cards = []
        for card in sorted(note.cards(), key=lambda c: c.ord):
            card_index[card.id] = (note.guid, card.ord)
            if card.queue == 1 or (card.type in (1, 3) and card.queue in (-1, -2, -3) and card.due > 1_000_000_000):
                due = {"unix_seconds": card.due}
            elif card.type == 0:
                due = {"new_position": card.due}
            else:
                due = {"date": (local_today + dt.timedelta(days=card.due - today)).isoformat()}
            memory = card.memory_state
            out_cards.append({
                "ord": card.ord, "template": model["tmpls"][card.ord]["name"] if model["type"] == 0 else "Cloze",
                "deck": deck_name(card.did), "type": card.type, "queue": card.queue, "due": due, "ivl": card.ivl,
                "reps": card.reps, "lapses": card.lapses, "left": card.left, "flags": card.flags,
                "memory_state": None if memory is None else {
                    "stability": round(memory.stability, 4), "difficulty": round(memory.difficulty, 4)},
                "revlog": [
                    {"id": rid, "at_utc": dt.datetime.fromtimestamp(rid / 1000, dt.timezone.utc).isoformat(),
                     "ease": ease, "ivl": ivl, "last_ivl": last, "time_ms": t, "type": kind}
                    for rid, ease, ivl, last, t, kind in col.db.all(
                        "SELECT id, ease, ivl, lastIvl, time, type FROM revlog WHERE cid = ? ORDER BY id", card.id)],
            })
        out_notes.append({
            "guid": note.guid, "notetype": model["name"],
            "fields": {f["name"]: note.fields[i] for i, f in enumerate(model["flds"])},
            "tags": note.tags, "cards": out_cards,
        })
    return {
        "package": package, "made_with": f"anki {__import__('anki.buildinfo').buildinfo.version}",
        "made_on_local_day": local_today.isoformat(), "zip_entries": entries,
        "counts": {"notes": len(out_notes), "cards": col.card_count(),
                   "revlog": col.db.scalar("SELECT count() FROM revlog"), "media": 2},
        "decks": sorted(n.name for n in col.decks.all_names_and_ids() if n.name != "Default"),
        "media": [{"name": name, "size": len(data), "sha1": hashlib.sha1(data).hexdigest()}
                  for name, data in (("red_square.png", PNG), ("beep ünï.mp3", MP3))],
        "fsrs": True, "notes": out_notes,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="anki-fixtures-")
    col = build(work)
    packages = {}
    for name, legacy in (("modern.apkg", False), ("legacy.apkg", True)):
        path = os.path.join(OUT, name)
        col.export_anki_package(out_path=path, limit=None, options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy))
        packages[name] = path
    # The expected data is read before the collection export closes the collection.
    snapshot = {name: None for name in packages}
    data = expected(col, None, None)
    colpkg = os.path.join(OUT, "collection.colpkg")
    col.export_collection_package(colpkg, include_media=True, legacy=False)
    packages["collection.colpkg"] = colpkg
    for name, path in packages.items():
        with zipfile.ZipFile(path) as z:
            entries = sorted(z.namelist())
        result = dict(data, package=name, zip_entries=entries)
        with open(os.path.join(OUT, name.rsplit(".", 1)[0] + ".expected.json"), "w") as f:
            json.dump(result, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")
        print(f"{name}: {os.path.getsize(path)} bytes, entries {entries}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

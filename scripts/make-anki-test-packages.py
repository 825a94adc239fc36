#!/usr/bin/env python3
"""Builds the Anki-written test packages in Tests/Fixtures/anki/generated/ with the real Anki
(the `anki` Python package is Anki's Rust backend), and an expected JSON beside each.

    python3 -m venv .build/anki-venv && .build/anki-venv/bin/pip install anki
    apt-get install -y faketime        # review days are real days: each session runs at its own time
    .build/anki-venv/bin/python scripts/make-anki-test-packages.py

The collection: FSRS on, decks with a hierarchy and unicode names, its own deck options group,
the stock Basic / Basic (and reversed card) / Cloze note types and a custom one ("Vokabel ✓",
three fields, two templates, one conditional), media (a PNG and an MP3), hierarchical and
unicode tags, and a review history over twelve days with learning, relearning and lapses, a
suspended, a buried and a flagged card, a due date set by hand (revlog type 4) and a card
forgotten back to new after reviews. Exported as a modern .apkg (collection.anki21b), a legacy
.apkg (collection.anki21) and a .colpkg; then two more days of reviews and an edited note give
`history-v2.apkg`, a newer version of the same deck for re-import tests.

The tests never run Python: the packages and their JSON are committed.
"""
import json
import os
import subprocess
import sys
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "Fixtures", "anki", "generated")
WORK = "/tmp/recall-anki-generate"
COL = os.path.join(WORK, "collection.anki2")

# Day of each session (all at 10:00 UTC; the collection's day starts at 04:00 UTC).
SESSIONS = ["2026-01-05", "2026-01-06", "2026-01-08", "2026-01-09", "2026-01-13", "2026-01-17"]
V2_SESSIONS = ["2026-01-20", "2026-01-24"]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c63f8cfc0f09f81e13f03c37f0606000041f107f9a1e0d7d0"
    "0000000049454e44ae426082")
MP3 = bytes.fromhex("fffb9064" + "00" * 413)


def run_step(step, day):
    env = dict(os.environ, TZ="UTC")
    subprocess.run(["faketime", f"{day} 10:00:00", sys.executable, __file__, "--step", step],
                   check=True, env=env)


def open_col():
    from anki.collection import Collection
    return Collection(COL)


def card_of(col, guid, ord_):
    nid = col.db.scalar("select id from notes where guid = ?", guid)
    return col.get_card(col.db.scalar("select id from cards where nid = ? and ord = ?", nid, ord_))


def answer(col, guid, ord_, *eases):
    for ease in eases:
        card = card_of(col, guid, ord_)
        card.start_timer()
        col.sched.answerCard(card, ease)


def setup():
    col = open_col()
    col.set_config("fsrs", True)
    # Decks: a hierarchy with an implicit-looking parent, unicode names.
    lang = col.decks.id("Sprachen::日本語")
    science = col.decks.id("Science")
    # Science gets its own options group.
    conf = col.decks.add_config_returning_id("Wissenschaft")
    c = col.decks.get_config(conf)
    c["new"]["perDay"] = 15
    c["rev"]["perDay"] = 150
    c["new"]["delays"] = [2.0, 15.0]
    c["lapse"]["delays"] = [5.0]
    c["rev"]["maxIvl"] = 3650
    c["desiredRetention"] = 0.85
    c["fsrsParams6"] = [0.3, 1.2, 2.5, 8.0, 6.5, 0.6, 1.5, 0.01, 1.6, 0.15, 1.0, 1.9, 0.1, 0.3, 2.2,
                         0.23, 2.9, 0.5, 0.6, 0.1, 0.15]
    col.decks.update_config(c)
    d = col.decks.get(science)
    d["conf"] = conf
    col.decks.save(d)

    col.media.write_data("red ✓.png", PNG)
    col.media.write_data("beep.mp3", MP3)

    basic = col.models.by_name("Basic")
    reverse = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")
    # A custom note type: three fields, two templates, the second only when Beispiel is filled.
    mm = col.models
    vocab = mm.new("Vokabel ✓")
    for name in ["Wort", "Bedeutung", "Beispiel"]:
        mm.add_field(vocab, mm.new_field(name))
    t1 = mm.new_template("Erkennen")
    t1["qfmt"] = "<div class=wort>{{Wort}}</div>"
    t1["afmt"] = "{{FrontSide}}<hr id=answer>{{Bedeutung}}{{#Beispiel}}<br><i>{{Beispiel}}</i>{{/Beispiel}}"
    t2 = mm.new_template("Beispiel")
    t2["qfmt"] = "{{#Beispiel}}{{Beispiel}}{{/Beispiel}}"
    t2["afmt"] = "{{FrontSide}}<hr id=answer>{{Wort}}: {{Bedeutung}}"
    mm.add_template(vocab, t1)
    mm.add_template(vocab, t2)
    vocab["css"] = ".wort { font-size: 2em; }"
    mm.add(vocab)
    vocab = mm.by_name("Vokabel ✓")

    def add(model, deck, fields, tags, guid):
        note = col.new_note(model)
        for i, f in enumerate(fields):
            note.fields[i] = f
        note.tags = tags
        note.guid = guid
        col.add_note(note, deck)

    add(basic, science, ["What does <b>FSRS</b> stand for?", "Free Spaced Repetition Scheduler"],
        ["srs::fsrs", "anki"], "guidA")
    add(basic, science, ["Which shape is this? <img src=\"red ✓.png\">", "A red square"], ["media"], "guidB")
    add(basic, science, ["What do you hear? [sound:beep.mp3]", "A beep"], ["media"], "guidC")
    add(basic, science, ["Speed of light in vacuum?", "299 792 458 m/s"], ["physics"], "guidD")
    add(basic, science, ["Boiling point of water at sea level?", "100 °C"], ["physics"], "guidE")
    add(basic, science, ["H<sub>2</sub>O is…", "water"], ["chemistry"], "guidF")
    add(reverse, lang, ["猫", "cat"], ["日本語::動物"], "guidG")
    add(reverse, lang, ["犬", "dog"], ["日本語::動物"], "guidH")
    add(cloze, lang, ["{{c1::東京}} is the capital of {{c2::Japan::country}}.", "Geography"], ["日本語"], "guidI")
    add(vocab, lang, ["Straße", "street", "Die Straße ist lang."], ["deutsch", "ünïcödé"], "guidJ")
    add(vocab, lang, ["Baum", "tree", ""], ["deutsch"], "guidK")
    add(basic, science, ["Reset me", "I was forgotten"], ["reset"], "guidL")
    col.close()


def session(n):
    col = open_col()
    if n == 0:
        answer(col, "guidA", 0, 3, 3)          # learning step, graduates
        answer(col, "guidB", 0, 1, 3, 3)       # again, then through the steps
        answer(col, "guidD", 0, 4)             # easy: straight to review
        answer(col, "guidE", 0, 3, 3)
        answer(col, "guidG", 0, 3, 3)
        answer(col, "guidI", 0, 3, 3)
        answer(col, "guidJ", 0, 3, 3)
        answer(col, "guidL", 0, 3, 3)
    elif n == 1:
        answer(col, "guidA", 0, 3)
        answer(col, "guidB", 0, 2)
        answer(col, "guidG", 1, 3, 3)
        answer(col, "guidH", 0, 4)
    elif n == 2:
        answer(col, "guidA", 0, 1, 3)          # lapse, relearn, back to review
        answer(col, "guidE", 0, 3)
        answer(col, "guidJ", 1, 3, 3)
        answer(col, "guidL", 0, 3)
        col.sched.set_due_date([card_of(col, "guidD", 0).id], "0")  # manual: due today (revlog type 4)
    elif n == 3:
        answer(col, "guidD", 0, 3)
        answer(col, "guidI", 1, 3, 3)
        answer(col, "guidE", 0, 1)             # lapse: stays in relearning over the next sessions
        col.sched.schedule_cards_as_new([card_of(col, "guidL", 0).id], restore_position=True, reset_counts=False)  # back to new, history kept
    elif n == 4:
        answer(col, "guidA", 0, 3)
        answer(col, "guidG", 0, 2)
        answer(col, "guidE", 0, 3)
        col.sched.suspend_cards([card_of(col, "guidB", 0).id])
        col.set_user_flag_for_cards(3, [card_of(col, "guidG", 1).id])
    elif n == 5:
        answer(col, "guidH", 0, 1)             # lapse today: relearning, due in minutes (queue 1)
        answer(col, "guidF", 0, 3)             # learning today, due in minutes (queue 1)
        answer(col, "guidJ", 0, 3)
        col.sched.bury_cards([card_of(col, "guidI", 0).id])
    elif n == 6:   # history-v2: a later version
        answer(col, "guidH", 0, 3)
        answer(col, "guidF", 0, 3)
        answer(col, "guidA", 0, 3)
        note = col.get_note(col.db.scalar("select id from notes where guid = 'guidD'"))
        note.fields[1] = "299 792 458 m/s (exactly)"
        col.update_note(note)
    elif n == 7:
        answer(col, "guidE", 0, 3)
        answer(col, "guidK", 0, 3, 3)
    col.close()


def export(name, legacy):
    from anki.collection import ExportAnkiPackageOptions
    col = open_col()
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        os.remove(path)
    col.export_anki_package(
        out_path=path,
        options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy),
        limit=None)
    expected(col, path)
    col.close()


def export_colpkg(name):
    col = open_col()
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        os.remove(path)
    expected(col, path)
    col.export_collection_package(path, include_media=True, legacy=False)


def expected(col, path):
    """What the package holds, as the tests check it: counts, decks, each note with its cards'
    schedules (due as a calendar date for review cards, unix seconds for intraday learning) and
    FSRS memory states, and the revlog."""
    import datetime
    crt = col.crt
    decks = {}
    for d in col.decks.all_names_and_ids():
        if d.name != "Default":
            decks[d.id] = d.name
    notes = []
    for nid, guid, mid, flds, tags in col.db.all("select id, guid, mid, flds, tags from notes order by id"):
        model = col.models.get(mid)
        cards = []
        for cid, did, ord_, type_, queue, due, ivl, reps, lapses, left, flags, data, odue in col.db.all(
                "select id, did, ord, type, queue, due, ivl, reps, lapses, left, flags, data, odue "
                "from cards where nid = ? order by ord", nid):
            due_date = None
            due_unix = None
            if queue in (2, 3) or (queue in (-1, -2, -3) and type_ == 2):
                due_date = (datetime.datetime.fromtimestamp(crt, datetime.timezone.utc)
                            + datetime.timedelta(days=due)).date().isoformat()
            elif queue == 1 or (queue in (-1, -2, -3) and type_ in (1, 3)):
                due_unix = due
            memory = json.loads(data) if data else {}
            revlog = [
                {"id": r[0], "ease": r[1], "ivl": r[2], "last_ivl": r[3], "time_ms": r[4], "type": r[5]}
                for r in col.db.all("select id, ease, ivl, lastIvl, time, type from revlog where cid = ? order by id", cid)
            ]
            cards.append({
                "ord": ord_, "deck": decks.get(did, "").replace("\x1f", "::"), "type": type_, "queue": queue,
                "due": due, "due_date": due_date, "due_unix": due_unix, "interval": ivl, "reps": reps,
                "lapses": lapses, "left": left, "flag": flags & 7,
                "stability": memory.get("s"), "difficulty": memory.get("d"), "revlog": revlog,
            })
        notes.append({
            "guid": guid, "notetype": model["name"], "fields": flds.split("\x1f"),
            "tags": tags.split(), "cards": cards,
        })
    deck_names = sorted(set(decks.values()))
    out = {
        "package": os.path.basename(path),
        "crt": crt,
        "counts": {
            "notes": len(notes), "cards": sum(len(n["cards"]) for n in notes),
            "revlog": col.db.scalar("select count() from revlog"), "decks": len(deck_names),
            "media": 2,
        },
        "decks": deck_names,
        "notes": notes,
    }
    stem, ext = path.rsplit(".", 1)
    with open(stem + ("-colpkg" if ext == "colpkg" else "") + ".expected.json", "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--step":
        step = sys.argv[2]
        if step == "setup":
            setup()
        elif step.startswith("session"):
            session(int(step[len("session"):]))
        elif step == "export":
            export("history.apkg", legacy=False)
            export("history-legacy.apkg", legacy=True)
        elif step == "export-colpkg":
            export_colpkg("history.colpkg")
        elif step == "export-v2":
            export("history-v2.apkg", legacy=False)
        return
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    os.makedirs(OUT, exist_ok=True)
    run_step("setup", SESSIONS[0])
    for i, day in enumerate(SESSIONS):
        run_step(f"session{i}", day)
    run_step("export", SESSIONS[-1])
    run_step("export-colpkg", SESSIONS[-1])
    for i, day in enumerate(V2_SESSIONS):
        run_step(f"session{len(SESSIONS) + i}", day)
    run_step("export-v2", V2_SESSIONS[-1])


if __name__ == "__main__":
    main()

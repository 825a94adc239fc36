"""Checks `recall export --anki` against the real Anki (run by scripts/check-anki-export).

Makes a recall store with a history, exports it with `recall export --anki`, imports the package
into a fresh Anki collection with Anki's own importer, and compares what Anki then has with what
`recall list --json` reports. Exit 0 and PASS when everything matches; FAIL with each mismatch.
"""

import datetime as dt
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile

from anki.collection import Collection
from anki.import_export_pb2 import ImportAnkiPackageOptions, ImportAnkiPackageRequest

RECALL = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="recall-anki-check-")
STORE = os.path.join(WORK, "store.sqlite")
ENV = dict(os.environ, RECALL_DB=STORE, NO_COLOR="1")
failures = []


def recall(*args, at=None, check=True):
    env = dict(ENV)
    if at is not None:
        env["RECALL_NOW"] = at.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    else:
        env.pop("RECALL_NOW", None)
    result = subprocess.run([RECALL, *args], env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"FAIL: recall {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def expect(condition, message):
    if not condition:
        failures.append(message)


# --- A store with a history -------------------------------------------------------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003010100c9fe92ef0000000049454e44ae426082")
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(200)

bank = ["# Anki export check\n"]
for i in range(1, 25):
    bank.append(f"Question {i}: what is {i} × 3, in **bold**? :: It is `{i * 3}`.\n")
for i in range(1, 5):
    bank.append(f"Word {i} ünïcödé ::: Wort {i} 🎴\n")
bank.append("C: The [mitochondria] is the powerhouse of the [cell].\n")
bank.append("The capital of {{c1::France}} is {{c2::Paris::city}}.\n")
bank.append("Q: What does this print?\nA: It prints one:\n\n```python\nprint(1)\n```\n")
bank.append("Which shape is this? ![](red_square.png) :: A red square [sound:beep.mp3]\n")
bank_path = os.path.join(WORK, "bank.md")
with open(bank_path, "w") as f:
    f.write("\n".join(bank))
with open(os.path.join(WORK, "other.md"), "w") as f:
    f.write("Other deck question :: Other deck answer\n\nSecond other :: answer two\n\nThird other :: interday\n")

now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None) - dt.timedelta(minutes=5)
start = (now - dt.timedelta(days=45)).replace(hour=10, minute=0, second=0)
recall("init", "--empty", at=start)
recall("import", bank_path, "--deck", "Check::Main", at=start)
recall("import", os.path.join(WORK, "other.md"), "--deck", "Other", at=start)
# Options of one deck: a one-day learning step (Anki's interday learning queue) and a retention.
recall("config", "learning_steps", "10m 1d", "--deck", "Other", at=start)
recall("config", "desired_retention", "0.85", "--deck", "Other", at=start)

# Cards kept new until the last minutes (learning, burial) or for good (new cards in the package).
RESERVED = ("Question 23:", "Question 24:", "Word 4 ", "Third other")
rng = random.Random(12)
day = start
while day < now - dt.timedelta(days=1):
    moment = day
    fresh = [c for c in json.loads(recall("list", "--json", at=day)) if c["state"]["phase"] == "new"
             and not any(k in c["front"] for k in RESERVED)]
    for card in fresh[:3]:  # a few new cards a day
        recall("answer", str(card["short_id"]), "good", "--duration", str(rng.randint(1500, 20000)), at=day)
    for _ in range(6):  # a few passes per day: learning steps come back within it
        due = json.loads(recall("list", "--due", "--json", at=moment))
        if not due:
            break
        for card in due:
            rating = rng.choices(["again", "hard", "good", "easy"], [12, 10, 68, 10])[0]
            recall("answer", str(card["short_id"]), rating, "--duration", str(rng.randint(1500, 20000)), at=moment)
        moment += dt.timedelta(minutes=15)
    day += dt.timedelta(days=1)

# The last minutes: a card in learning, one relearning, one suspended, one flagged, one buried.
cards = json.loads(recall("list", "--json", at=now))
by_phase = {}
for card in cards:
    by_phase.setdefault(card["state"]["phase"], []).append(card)
new_cards = [c for c in cards if c["state"]["phase"] == "new" and "Question 24:" in c["front"]]
reviews = [c for c in cards if c["state"]["phase"] == "review"]
if new_cards:
    recall("answer", str(new_cards[0]["short_id"]), "again", at=now)
if reviews:
    recall("answer", str(reviews[0]["short_id"]), "again", at=now)
    recall("suspend", str(reviews[-1]["short_id"]), at=now)
interday = [c for c in cards if c["front"] == "Third other"]
recall("answer", str(interday[0]["short_id"]), "good", at=now - dt.timedelta(hours=2))  # on to the 1-day step
reversed_new = [c for c in cards if c["kind"] == "reversed" and c["state"]["phase"] == "new" and c["ordinal"] == 1]
if reversed_new:
    recall("answer", str(reversed_new[0]["short_id"]), "good", at=now)  # buries its sibling

# A flag and the media files (no command sets these yet: the importer and review screen do).
store_db = sqlite3.connect(STORE)
store_db.execute("UPDATE cards SET flag = 1, flagged_at = ? WHERE id = (SELECT max(id) FROM cards WHERE suspended = 0)",
                 (int(now.timestamp() * 1000),))
media_folder = os.path.splitext(STORE)[0] + ".media"
os.makedirs(media_folder, exist_ok=True)
for name, data in (("red_square.png", PNG), ("beep.mp3", MP3)):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(media_folder, digest), "wb") as f:
        f.write(data)
    store_db.execute("INSERT INTO media(name, sha256, size, added) VALUES (?, ?, ?, ?)", (name, digest, len(data), 0))
store_db.commit()
store_db.close()

check = recall("check", at=now, check=False)
recall_cards = json.loads(recall("list", "--json", at=now))

# --- Export and import into Anki --------------------------------------------------------------

package = os.path.join(WORK, "export.apkg")
summary = recall("export", "--anki", package, at=now).strip()
print(summary)


def import_into_fresh(path, name):
    col = Collection(os.path.join(WORK, name + ".anki2"))
    request = ImportAnkiPackageRequest(package_path=path, options=ImportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, merge_notetypes=True))
    col.import_anki_package(request)
    return col


col = import_into_fresh(package, "anki")
today = col.sched.today


def text(html):
    html = re.sub(r"<[^>]*>", " ", html)
    html = html.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return html


def letters(s):
    """The letters and digits of a text: compares Markdown with the HTML it became."""
    s = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", s)  # images: checked with the media
    s = re.sub(r"```\w+", "", s)  # a code block's language becomes a class name
    s = re.sub(r"\{\{c\d+::([^}]*?)(::[^}]*)?\}\}", r"\1", s)
    return re.sub(r"[\W_]+", "", s).lower()


def recall_day(iso):
    """recall's scheduling day of an instant (rollover 04:00, the local time of this process)."""
    moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    return (moment - dt.timedelta(hours=4)).date()


recall_today = recall_day(now.isoformat() + "Z")
notes = {nid: col.get_note(nid) for nid in col.find_notes("")}
notes_by_guid = {note.guid: note for note in notes.values()}
anki_cards = [col.get_card(cid) for cid in col.find_cards("")]
cards_by_note_ord = {(notes[c.nid].guid, c.ord): c for c in anki_cards}
revlog = {}
for rid, cid, ease, rtime, rtype, ivl in col.db.all("SELECT id, cid, ease, time, type, ivl FROM revlog"):
    revlog.setdefault(cid, []).append((rid, ease, rtime, rtype, ivl))

recall_notes = {c["note"] for c in recall_cards}
total_reviews = sum(len(c["reviews"]) for c in recall_cards)
expect(len(notes) == len(recall_notes), f"notes: Anki has {len(notes)}, recall {len(recall_notes)}")
expect(len(anki_cards) == len(recall_cards), f"cards: Anki has {len(anki_cards)}, recall {len(recall_cards)}")
anki_revlog = sum(len(v) for v in revlog.values())
expect(anki_revlog == total_reviews, f"revlog: Anki has {anki_revlog} rows, recall {total_reviews} reviews")
media_dir = col.media.dir()
for name, data in (("red_square.png", PNG), ("beep.mp3", MP3)):
    path = os.path.join(media_dir, name)
    expect(os.path.exists(path) and open(path, "rb").read() == data, f"media {name} missing or different in Anki")

phases = {0: "new", 1: "learning", 2: "review", 3: "relearning"}
checked = {"due": 0, "interday learning": 0, "learning": 0, "relearning": 0, "suspended": 0, "buried": 0, "flagged": 0, "memory": 0}
for rc in recall_cards:
    ordinal = {"basic": 0, "reversed": rc["ordinal"] - 1, "cloze": rc["ordinal"] - 1}[rc["kind"]]
    card = cards_by_note_ord.get((rc["note"], ordinal))
    label = f"card {rc['short_id']} ({rc['front'][:30]!r})"
    if card is None:
        expect(False, f"{label}: not in Anki")
        continue
    note = notes[card.nid]
    # Fields and what the card shows.
    if rc["kind"] == "cloze":
        expect(letters(note.fields[0]) == letters(text(rc["front"]).replace("[", "").replace("]", "")),
               f"{label}: cloze text {note.fields[0]!r}")
        expect("[...]" in card.question() or "[city]" in card.question(), f"{label}: cloze front shows no gap")
    else:
        expect(letters(text(note.fields[0])) == letters(rc["front"]), f"{label}: front {note.fields[0]!r}")
        expect(letters(text(note.fields[1])) == letters(rc["back"]), f"{label}: back {note.fields[1]!r}")
    expect(col.decks.name(card.did) == rc["deck"], f"{label}: deck {col.decks.name(card.did)!r}, recall {rc['deck']!r}")
    expect(sorted(note.tags) == sorted(rc["tags"]), f"{label}: tags {note.tags}, recall {rc['tags']}")
    state = rc["state"]
    # Phase, marks and counters.
    expect(phases[card.type] == state["phase"], f"{label}: Anki type {card.type}, recall {state['phase']}")
    expect((card.queue == -1) == rc["suspended"], f"{label}: queue {card.queue}, suspended {rc['suspended']}")
    expect((card.queue in (-2, -3)) == rc["buried"], f"{label}: queue {card.queue}, buried {rc['buried']}")
    expect(card.flags == rc["flag"], f"{label}: flag {card.flags}, recall {rc['flag']}")
    expect(card.reps == state["reps"] and card.lapses == state["lapses"],
           f"{label}: reps/lapses {card.reps}/{card.lapses}, recall {state['reps']}/{state['lapses']}")
    checked["suspended"] += rc["suspended"]
    checked["buried"] += rc["buried"]
    checked["flagged"] += rc["flag"] != 0
    # Due: a calendar day for review and interday cards, a moment for intraday learning.
    if state["phase"] != "new":
        if card.type in (1, 3) and (card.queue == 1 or card.odue == 0 and card.due > 1_000_000_000):
            due_ms = dt.datetime.fromisoformat(state["due"].replace("Z", "+00:00")).timestamp()
            expect(card.due == int(due_ms), f"{label}: learning due {card.due}, recall {int(due_ms)}")
            checked["learning" if card.type == 1 else "relearning"] += 1
        else:
            anki_date = recall_today + dt.timedelta(days=card.due - today)
            expect(anki_date == recall_day(state["due"]), f"{label}: due {anki_date} in Anki, recall {recall_day(state['due'])}")
            checked["due"] += 1
            checked["interday learning"] += card.queue == 3
    # FSRS memory state.
    if state["stability"] is not None:
        memory = card.memory_state
        ok = memory is not None and abs(memory.stability - state["stability"]) < 1e-3 * max(1, state["stability"]) \
            and abs(memory.difficulty - state["difficulty"]) < 1e-3
        expect(ok, f"{label}: memory state {memory}, recall s={state['stability']} d={state['difficulty']}")
        checked["memory"] += ok
    # The review log: one row per review, at its time (ms, unique), rating and duration.
    rows = sorted(revlog.get(card.id, []))
    reviews = rc["reviews"]
    expect(len(rows) == len(reviews), f"{label}: {len(rows)} revlog rows, recall {len(reviews)} reviews")
    for row, review in zip(rows, reviews):
        at = int(dt.datetime.fromisoformat(review["at"].replace("Z", "+00:00")).timestamp() * 1000)
        expect(abs(row[0] - at) < 50 and row[1] == review["rating"] and row[2] == review["duration_ms"],
               f"{label}: revlog {row}, recall {review}")

expect(checked["learning"] + checked["relearning"] > 0 and checked["interday learning"] > 0,
       f"not every learning queue was checked: {checked}")
# Deck options: the Other deck's own group.
other_config = col.decks.config_dict_for_deck_id(col.decks.id_for_name("Other"))
expect(other_config["new"]["delays"] == [10.0, 1440.0], f"Other's learning steps in Anki: {other_config['new']['delays']}")
expect(abs(other_config["desiredRetention"] - 0.85) < 1e-6, f"Other's desired retention: {other_config['desiredRetention']}")
main_config = col.decks.config_dict_for_deck_id(col.decks.id_for_name("Check::Main"))
expect(main_config["new"]["delays"] == [1.0, 10.0] and len(main_config["fsrsParams6"]) == 21,
       f"Check::Main's options in Anki: {main_config['new']['delays']}, {main_config['fsrsParams6']}")
expect(checked["suspended"] > 0 and checked["buried"] > 0 and checked["flagged"] > 0,
       f"marks not all exercised: {checked}")
col.close()

# --- --no-history and --deck -------------------------------------------------------------------

shared = os.path.join(WORK, "shared.apkg")
recall("export", "--anki", shared, "--no-history", at=now)
col = import_into_fresh(shared, "shared")
expect(col.db.scalar("SELECT count() FROM revlog") == 0, "--no-history: the package has reviews")
expect(col.db.scalar("SELECT count() FROM cards WHERE type != 0 OR queue != 0") == 0, "--no-history: cards are not all new")
expect(col.card_count() == len(recall_cards), "--no-history: cards missing")
col.close()

one = os.path.join(WORK, "other.apkg")
recall("export", "--anki", one, "--deck", "Other", at=now)
col = import_into_fresh(one, "other")
other_cards = [c for c in recall_cards if c["deck"] == "Other"]
expect(col.card_count() == len(other_cards), f"--deck Other: {col.card_count()} cards, recall {len(other_cards)}")
expect(all(col.decks.name(col.get_card(cid).did) == "Other" for cid in col.find_cards("")), "--deck Other: other decks")
col.close()

print(f"recall check: {check.strip().splitlines()[-1] if check.strip() else 'ok'}")
print(f"checked: {len(recall_cards)} cards, {total_reviews} reviews; " + ", ".join(f"{k} {v}" for k, v in checked.items()))
if failures:
    for failure in failures[:40]:
        print("  " + failure)
    print(f"FAIL: {len(failures)} mismatches (work folder {WORK})")
    sys.exit(1)
print("PASS: Anki imports recall's export with every note, card, deck, tag, due date, memory state, review and media file")

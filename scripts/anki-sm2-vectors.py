#!/usr/bin/env python3
"""Generates Tests/Fixtures/anki-sm2-vectors.json: SM-2 review answers computed by Anki's own
scheduler (its Rust backend, `pip install anki`), fuzz off (ANKI_TEST_MODE), default options.

Each sequence starts from a review card (interval, ease in thousandths) and answers it a number
of times, each answer on time or some days late (never early: recall's early-review rule differs on
purpose, see README). Anki's "now" cannot be set, so time moves by setting the card's due day
relative to Anki's today before each answer. The fixture records the interval and ease Anki
stored after each answer; recall must reproduce them exactly.

Usage: python3 scripts/anki-sm2-vectors.py > Tests/Fixtures/anki-sm2-vectors.json
"""
import json
import os
import random
import sys
import tempfile

os.environ["ANKI_TEST_MODE"] = "1"  # no fuzz in Anki's scheduler

from anki.collection import Collection  # noqa: E402


def main() -> None:
    rng = random.Random(15)
    folder = tempfile.mkdtemp()
    col = Collection(os.path.join(folder, "c.anki2"))
    model = col.models.by_name("Basic")
    deck_id = col.decks.id("sm2")
    conf = col.decks.config_dict_for_deck_id(deck_id)
    col.set_config("fsrs", False)
    sequences = []
    for n in range(200):
        note = col.new_note(model)
        note["Front"] = f"q{n}"
        note["Back"] = "a"
        col.add_note(note, deck_id)
        card = note.cards()[0]
        interval = rng.choice([1, 2, 3, 4, 5, 7, 9, 10, 12, 16, 23, 30])
        ease = rng.choice([1300, 1450, 2050, 2300, 2500, 2650, 2800])
        card.type = 2
        card.queue = 2
        card.ivl = interval
        card.factor = ease
        card.reps = 3
        today = col.sched.today
        card.due = today
        col.update_card(card)
        steps = []
        for _ in range(rng.randint(4, 9)):
            card = col.get_card(card.id)
            if card.queue != 2:
                break
            late = rng.choice([0, 0, 0, 1, 2, 3, 5])
            rating = rng.choices([1, 2, 3, 4], weights=[5, 20, 50, 25])[0]
            card.due = col.sched.today - late
            col.update_card(card)
            card = col.get_card(card.id)
            card.start_timer()
            col.sched.answerCard(card, rating)
            card = col.get_card(card.id)
            steps.append({"late": late, "rating": rating, "interval": card.ivl, "ease": card.factor})
        sequences.append({"interval": interval, "ease": ease, "answers": steps})
    col.close()
    from anki.buildinfo import version

    out = sys.stdout
    out.write('{"source": %s,\n "sequences": [\n' % json.dumps(f"anki {version}, SM-2 default options, fuzz off"))
    out.write(",\n".join("  " + json.dumps(s, separators=(",", ":")) for s in sequences))
    out.write("\n]}\n")


if __name__ == "__main__":
    main()

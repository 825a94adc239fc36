#!/usr/bin/env python3
# A deck file of the export's shape without a store: CARDS cards in 10 decks, 10 UUIDv7-shaped
# reviews each, a state and a tag, as `recall export` writes them (BENCHMARKS.md, "Streaming").
# `python3 scripts/make-big-deck-file.py 520000 big.json` writes 886 MB in about a minute; then
# `DECK_FILE=big.json scripts/bench-stream.sh`.
import sys
cards, per = int(sys.argv[1]), 10
out = open(sys.argv[2], 'w')
base = 1730000000000
def iso(ms):
    import time
    s = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(ms // 1000))
    return '%s.%03dZ' % (s, ms % 1000)
out.write('{"decks": [\n')
decks = 10
per_deck = cards // decks
n = 0
for d in range(decks):
    out.write(('' if d == 0 else ',\n') + '{"cards": [\n')
    for i in range(per_deck):
        c = d * per_deck + i
        revs = []
        for k in range(per):
            at = base + c * 1000 + k * 86400000 * (1 + c % 30)
            n += 1
            rid = '%08x-%04x-7%03x-%04x-%012x' % ((at >> 16) & 0xffffffff, at & 65535, n & 4095, 32768 | ((n >> 12) & 16383), n)
            revs.append('{"at": "%s", "duration_ms": %d, "id": "%s", "rating": %d}' % (iso(at), 2000 + n % 9000, rid, 3 if (c + k) % 7 else 1))
        front = 'Question number %d: what does `f(%d)` return when called twice?' % (c, c)
        back = 'It returns %d the first time and caches it.\\n\\n```python\\nf(%d)\\n```' % (c, c)
        out.write(('' if i == 0 else ',\n') +
            '{"back": "%s", "created": "%s", "front": "%s", "id": "%016x", "kind": "basic", "modified": "%s", "note": "%016x", "ordinal": 1, '
            '"reviews": [%s], "state": {"difficulty": 5.1234, "due": "%s", "lapses": 1, "last_review": "%s", "phase": "review", "reps": 10, "stability": 30.5}, "tags": ["bench"]}'
            % (back, iso(base - 86400000), front, c * 2654435761 + 1, iso(base), c * 40503 + 7, ', '.join(revs), iso(base + 400 * 86400000), iso(base)))
    out.write('\n], "config": {}, "id": "deck-%d", "modified": "%s", "name": "Deck %d", "renamed": "%s"}' % (d, iso(base), d, iso(base)))
out.write('\n],\n"format": "recall-deck",\n"tombstones": [],\n"version": 2}\n')

# Shared by the sync benchmarks: `make_store PATH` makes a store with $cards basic cards and
# $per_card reviews each, with the recall binary $bin (set all three before calling).
# The store: CARDS basic cards in 10 decks, PER_CARD reviews each (ids shaped like UUIDv7,
# ratings mostly Good with some Again/Hard/Easy, gaps of 1-30 days), written with the sqlite3
# shell on top of a schema made by recall itself; then `recall check --fix` makes every card's
# state the replay of its log (DESIGN.md invariant 1), as a real store's is, and stores the
# ids the shell wrote as text as recall does (a UUID's 16 bytes).
make_store() {
    local path=$1
    RECALL_DB="$path" "$bin" init --empty >/dev/null
    sqlite3 "$path" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO decks(name, config, created, modified)
  WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 9)
  SELECT 'Deck ' || i, CASE WHEN i = 0 THEN '{"desired_retention":"0.85"}' ELSE '{}' END, $now_ms, $now_ms FROM d;
INSERT INTO notes(deck_id, kind, front, back, tags, created, modified)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $cards)
  SELECT (i % 10) + 1, 'basic',
         'Question number ' || i || ': what does ' || char(96) || 'f(' || i || ')' || char(96) || ' return when called twice?',
         'It returns ' || i || ' the first time and caches it.' || char(10) || char(10) || char(96, 96, 96) || 'python' || char(10) || 'f(' || i || ')' || char(10) || char(96, 96, 96),
         'bench', $now_ms - 400 * 86400000, $now_ms - 400 * 86400000 FROM n;
INSERT INTO cards(note_id, deck_id, ordinal, created, modified)
  SELECT id, deck_id, 1, created, modified FROM notes ORDER BY id;
INSERT INTO review_log(id, card_id, reviewed_at, rating, duration_ms, prev_phase, prev_interval_days)
  WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < $per_card - 1),
  r AS (SELECT c.id AS card, k.k AS k, c.id * $per_card + k.k AS n,
               $now_ms - 390 * 86400000 + (c.id % 86400) * 1000 + k.k * (1 + c.id % 30) * 86400000 AS at
        FROM cards c, k)
  SELECT printf('%08x-%04x-7%03x-%04x-%012x', at >> 16, at & 65535, n & 4095, 32768 | ((n >> 12) & 16383), n),
         card, at, CASE (card * 31 + k * 17) % 20 WHEN 0 THEN 1 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 19 THEN 4 ELSE 3 END,
         2000 + (n % 9000), 'new', 0
  FROM r ORDER BY card, k;
COMMIT;
PRAGMA optimize;
SQL
    RECALL_DB="$path" "$bin" check --fix >/dev/null
    # Rewriting every id leaves the log's pages half empty; a store recall fills is compact.
    sqlite3 "$path" VACUUM
}

# `sync_bench_setup`: what `bench-sync.sh` and `bench-sqlite-floor.sh` share: the collection
# (100,000 cards with 10 reviews each, made at 2025-11-25T12:00:00Z), the binary ($RECALL_BIN or
# a release build, into $bin), a work folder ($work) removed on exit, the clock, the sqlite3 shell.
sync_bench_setup() {
    cards=100000
    per_card=10
    now_ms=1764072000000   # 2025-11-25T12:00:00Z
    bin=${RECALL_BIN:-$(build_release_recall)}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    export TZ=UTC RECALL_NOW=2025-11-25T12:00:00Z
    command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
}

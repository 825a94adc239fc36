#!/usr/bin/env bash
# Anki packages against Anki itself (issue 12, BENCHMARKS.md). `scripts/bench-anki.sh [RUNS]`:
# builds recall in release mode, makes with the Anki Python package (venv under .build/) a
# collection of 50,000 notes (60,000 cards: one note in five is "Basic (and reversed card)") with
# 500,000 revlog rows, and times in the same run, each the median of RUNS runs (default 3):
#
#   - Anki's own import of its .apkg export into an empty collection, and `recall import` of the
#     same file into an empty store (wall time and peak RSS). Targets: recall <= 0.5x Anki,
#     peak RSS <= 300 MB. Where this recall cannot import .apkg yet, says so.
#   - Anki's own export of the collection (.apkg, modern and legacy), and `recall export --anki`
#     of a store of the same size. Target: recall <= 0.5x Anki. The store is the recall import
#     of Anki's package when recall can import it, else a recall-native store of the same shape
#     (50,000 notes, 10,000 of them reversed, 60,000 cards, 500,000 reviews) made with SQL.
#
# Anki's times are of the operation alone, inside Python; recall's are of the whole process.
# Both wall time (the target's measure) and CPU time (user + system: steadier on a shared machine)
# are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
runs=${1:-3}
notes=50000
revlog=500000
python=$(scripts/anki-venv.sh)
bin=${RECALL_BIN:-$(build_release_recall)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
print_bench_header

median() { sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.3f\n", m}'; }

# `anki_seconds ARGS...`: median over the runs of the seconds the Anki step reports; its median
# CPU seconds (user + system) go to $work/cpu.
anki_seconds() {
    for _ in $(seq 1 "$runs"); do
        "$@" >"$work/anki-out"
        sed -n 's/^cpu=//p' "$work/anki-out" >>"$work/cpus"
        sed -n 's/^seconds=//p' "$work/anki-out"
    done | median
    median <"$work/cpus" >"$work/cpu"
    rm -f "$work/cpus"
}

# `recall_run NAME SETUP ARGS...`: runs SETUP then `recall ARGS` RUNS times; sets $wall (median s)
# $cpu (median user + system s) and $rss (MB, the largest); returns 1 (with the error in $error) when recall fails.
recall_run() {
    local setup=$1; shift
    local times=() cpus=() start end
    rss=0
    for _ in $(seq 1 "$runs"); do
        eval "$setup"
        start=$(date +%s%N)
        if ! /usr/bin/time -v -o "$work/time" "$bin" "$@" >"$work/out" 2>"$work/err"; then
            error=$(grep -v '^\s' "$work/err" | tail -n 1)
            return 1
        fi
        end=$(date +%s%N)
        times+=("$(awk -v n=$((end - start)) 'BEGIN {printf "%.3f", n / 1e9}')")
        cpus+=("$(awk '/User time|System time/ {s += $NF} END {printf "%.3f", s}' "$work/time")")
        local kb
        kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
        rss=$(( kb / 1024 > rss ? kb / 1024 : rss ))
    done
    wall=$(printf '%s\n' "${times[@]}" | median)
    cpu=$(printf '%s\n' "${cpus[@]}" | median)
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r <= t) ? "met" : "MISSED"}'; }

echo "== generating the Anki collection: $notes notes, $revlog revlog rows"
"$python" scripts/anki/bench_anki.py generate "$work/anki.anki2" "$notes" "$revlog"
"$python" scripts/anki/bench_anki.py export "$work/anki.anki2" "$work/anki.apkg" modern >/dev/null
ls -l "$work/anki.apkg" | awk '{printf "anki.apkg (modern): %.1f MB\n", $5 / 1048576}'

echo "== import of Anki's .apkg into an empty collection / store"
anki_import=$(anki_seconds sh -c "rm -rf '$work/target'; mkdir '$work/target'; \
    '$python' scripts/anki/bench_anki.py import '$work/anki.apkg' '$work/target/col.anki2'")
anki_import_cpu=$(cat "$work/cpu")
printf 'Anki import:              %8.3f s (cpu %.3f s)\n' "$anki_import" "$anki_import_cpu"
store="$work/store.sqlite"
imported=no
if recall_run "rm -rf '$work/store'*; RECALL_DB='$store' '$bin' init --empty >/dev/null" \
        import "$work/anki.apkg" --db "$store"; then
    imported=yes
    r=$(ratio "$wall" "$anki_import")
    printf 'recall import:            %8.3f s (cpu %.3f s), peak RSS %d MB  (%sx Anki: target <= 0.5x %s; RSS <= 300 MB %s; cpu %sx)\n' \
        "$wall" "$cpu" "$rss" "$r" "$(verdict "$r" 0.5)" "$(verdict "$rss" 300)" "$(ratio "$cpu" "$anki_import_cpu")"
else
    echo "recall import: not available ($error)"
fi

echo "== export to .apkg"
anki_modern=$(anki_seconds "$python" scripts/anki/bench_anki.py export "$work/anki.anki2" "$work/out-modern.apkg" modern)
anki_modern_cpu=$(cat "$work/cpu")
anki_legacy=$(anki_seconds "$python" scripts/anki/bench_anki.py export "$work/anki.anki2" "$work/out-legacy.apkg" legacy)
anki_legacy_cpu=$(cat "$work/cpu")
printf 'Anki export (modern):     %8.3f s (cpu %.3f s)\n' "$anki_modern" "$anki_modern_cpu"
printf 'Anki export (legacy):     %8.3f s (cpu %.3f s)\n' "$anki_legacy" "$anki_legacy_cpu"
if [ "$imported" = no ]; then
    echo "(recall store for the export: recall-native, made with SQL: $notes notes, $((notes / 5)) reversed, $((notes * 6 / 5)) cards, $revlog reviews)"
    RECALL_DB="$store" "$bin" init --empty >/dev/null
    now_ms=$(( $(date +%s) * 1000 ))
    sqlite3 "$store" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO decks(name, config, created, modified)
  WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 9)
  SELECT 'Bench::Deck ' || i, CASE WHEN i = 0 THEN '{"desired_retention":"0.85"}' ELSE '{}' END, $now_ms, $now_ms FROM d;
INSERT INTO notes(deck_id, kind, front, back, tags, created, modified)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $notes)
  SELECT (i % 10) + 1, CASE WHEN i % 5 = 0 THEN 'reversed' ELSE 'basic' END,
         'Question number ' || i || ': what does ' || char(96) || 'f(' || i || ')' || char(96) || ' return when called twice?',
         'It returns ' || i || ' the first time and caches it.' || char(10) || char(10) || char(96, 96, 96) || 'python' || char(10) || 'f(' || i || ')' || char(10) || char(96, 96, 96),
         'bench group::' || (i % 7), $now_ms - 400 * 86400000, $now_ms - 400 * 86400000 FROM n;
INSERT INTO cards(note_id, deck_id, ordinal, created, modified)
  SELECT id, deck_id, 1, created, modified FROM notes ORDER BY id;
INSERT INTO cards(note_id, deck_id, ordinal, created, modified)
  SELECT id, deck_id, 2, created, modified FROM notes WHERE kind = 'reversed' ORDER BY id;
INSERT INTO review_log(id, card_id, reviewed_at, rating, duration_ms, undoable,
                       prev_phase, prev_reps, prev_lapses, prev_step, prev_interval_days, prev_suspended)
  WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 8),
  r AS (SELECT c.id AS card, k.k AS k, c.id * 9 + k.k AS n,
               $now_ms - 390 * 86400000 + (c.id % 86400) * 1000 + k.k * (1 + c.id % 30) * 86400000 AS at
        FROM cards c, k WHERE k.k < 8 OR c.id % 3 = 0)
  SELECT printf('%08x-%04x-7%03x-%04x-%012x', at >> 16, at & 65535, n & 4095, 32768 | ((n >> 12) & 16383), n),
         card, at, CASE (card * 31 + k * 17) % 20 WHEN 0 THEN 1 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 19 THEN 4 ELSE 3 END,
         2000 + (n % 9000), 0, 'new', 0, 0, 0, 0, 0
  FROM r ORDER BY card, k;
COMMIT;
PRAGMA optimize;
SQL
    RECALL_DB="$store" "$bin" check --fix >/dev/null
    echo "store: $(sqlite3 "$store" 'SELECT count(*) FROM notes') notes, $(sqlite3 "$store" 'SELECT count(*) FROM cards') cards, $(sqlite3 "$store" 'SELECT count(*) FROM review_log') reviews"
fi
if recall_run "rm -f '$work/recall.apkg'" export --anki "$work/recall.apkg" --db "$store"; then
    cat "$work/out"
    r_modern=$(ratio "$wall" "$anki_modern")
    r_legacy=$(ratio "$wall" "$anki_legacy")
    printf 'recall export --anki:     %8.3f s (cpu %.3f s), peak RSS %d MB  (%sx Anki modern, %sx Anki legacy: target <= 0.5x %s; cpu %sx modern, %sx legacy)\n' \
        "$wall" "$cpu" "$rss" "$r_modern" "$r_legacy" "$(verdict "$r_modern" 0.5)" \
        "$(ratio "$cpu" "$anki_modern_cpu")" "$(ratio "$cpu" "$anki_legacy_cpu")"
    # The export at this size is a package Anki takes whole.
    "$python" scripts/anki/bench_anki.py import "$work/recall.apkg" "$work/check.anki2" | sed -n 's/^notes=/Anki imports recall.apkg: notes=/p'
else
    echo "recall export --anki: FAILED ($error)"
    exit 1
fi

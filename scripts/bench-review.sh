#!/usr/bin/env bash
# Review screen benchmark (issue 6), release build, 100,000-card store with 20,000 cards due:
#  1. startup to first card drawn: `recall review` started in a pseudo-terminal until its first
#     full frame (with the card id in the header) has arrived; median of 30 runs (target <= 30 ms).
#  2. keypress to next card drawn: in one session, space reveals, then `3` (Good) is timed until
#     the frame of the next card has arrived, the store write included; median over 200 answers
#     (target <= 5 ms).
# The pseudo-terminal is driven by a small Python script (stdlib pty/os/select only).
# Usage: scripts/bench-review.sh [ANSWERS]   (RECALL_BIN=path skips the build and times that binary)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
scripts/setup >&2
answers=${1:-200}

recall=${RECALL_BIN:-$(build_release_recall)}
print_bench_header
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/make-bench-store.sh "$recall" "$work/bench.sqlite" 100000 20000 1764072000000 >/dev/null

RECALL_BIN="$recall" RECALL_DB="$work/bench.sqlite" RECALL_NOW=2025-11-25T12:00:00Z ANSWERS="$answers" \
python3 - <<'PY'
import os, pty, re, select, signal, statistics, time

binary = os.environ["RECALL_BIN"]
env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8")
env.pop("NO_COLOR", None)
FRAME_END = b"\x1b[?2026l"
CARD = re.compile(rb"\xc2\xb7 card (\d+)")

def spawn():
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary, "review"], env)
    return pid, fd

def read_frame(fd, need=None, timeout=5.0):
    """Reads until a complete frame arrives (for which `need(frame)` holds); returns it."""
    data = b""
    deadline = time.perf_counter() + timeout
    while True:
        end = data.rfind(FRAME_END)
        if end >= 0:
            start = data.rfind(b"\x1b[?2026h", 0, end)
            frame = data[start:end] if start >= 0 else data[:end]
            if need is None or need(frame):
                return frame
        left = deadline - time.perf_counter()
        if left <= 0:
            raise SystemExit("timed out waiting for a frame; got: %r" % data[-400:])
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise SystemExit("recall exited; output: %r" % data[-400:])
            data += chunk

def card_id(frame):
    match = CARD.search(frame)
    return int(match.group(1)) if match else None

def finish(pid, fd):
    os.write(fd, b"q")
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                os.read(fd, 65536)
        except OSError:
            pass
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)

# 1. Startup to the first card drawn.
startups = []
for _ in range(30):
    start = time.perf_counter()
    pid, fd = spawn()
    read_frame(fd, need=lambda f: card_id(f) is not None)
    startups.append((time.perf_counter() - start) * 1000)
    finish(pid, fd)

# 2. Keypress to the next card drawn.
pid, fd = spawn()
frame = read_frame(fd, need=lambda f: card_id(f) is not None)
current = card_id(frame)
latencies = []
for _ in range(int(os.environ["ANSWERS"])):
    os.write(fd, b" ")
    read_frame(fd, need=lambda f: b"answer " in f)
    start = time.perf_counter()
    os.write(fd, b"3")
    frame = read_frame(fd, need=lambda f: card_id(f) not in (None, current))
    latencies.append((time.perf_counter() - start) * 1000)
    current = card_id(frame)
finish(pid, fd)

def report(name, values, target):
    values = sorted(values)
    p90 = values[int(len(values) * 0.9) - 1]
    median = statistics.median(values)
    verdict = "ok" if median <= target else "MISSED"
    print(f"{name}: median {median:.2f} ms, p90 {p90:.2f} ms, min {values[0]:.2f} ms over {len(values)} "
          f"(target <= {target} ms: {verdict})")

report("startup to first card drawn", startups, 30)
report("keypress to next card drawn", latencies, 5)
PY

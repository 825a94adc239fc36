#!/usr/bin/env python3
"""Review logs simulated from FSRS-6, and fsrs-rs's fit of them, for recall's optimiser.

  revlog-sim.py simulate OUT.csv[.gz] --cards N --days D --seed S [--params w0,...,w20] [--same-day P]
                [--learn-days L]   (new cards on the first L days only)
  revlog-sim.py fit LOG.csv[.gz] [--repeat K]      fsrs-rs compute_parameters, timed in-process
  revlog-sim.py metrics LOG.csv[.gz] w0,...,w20    optimizer.md's log loss and RMSE(bins)
  revlog-sim.py bench LOG RECALL_BIN [--repeat K]  recall's whole process against fsrs-rs in-process
  revlog-sim.py fixtures DIR                       the committed test logs and reference fits

Needs `pip install fsrs-rs-python` (the model that moves the simulated cards and the reference
optimiser). The simulation: each card is introduced on a random day, rated by first-rating
probabilities, may get same-day learning-step reviews (rated from a small transition table),
then is reviewed whenever the interval for 90 % retention (±5 % jitter) has elapsed, recalled
with the probability R(t, S) of the true parameters, and rated Hard/Good/Easy 15/75/10 % on
a recall; a lapse may get a same-day relearning review.
"""
import csv
import gzip
import json
import math
import random
import sys
import time

from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview, MemoryState

FIRST = [0.24, 0.10, 0.50, 0.16]
RECALL = [0.15, 0.75, 0.10]


def open_text(path, mode):
    return gzip.open(path, mode + "t", newline="") if path.endswith(".gz") else open(path, mode, newline="")


def simulate(params, cards, days, seed, same_day, learn_days=None):
    rng = random.Random(seed)
    model = FSRS(params)
    decay = params[20]
    factor = 0.9 ** (-1 / decay) - 1
    rows = []
    for card in range(cards):
        day = rng.randrange(learn_days or days)
        state = None
        last = day
        rating = rng.choices([1, 2, 3, 4], FIRST)[0]
        history = [(day, rating)]
        state = model.next_states(None, 0.9, 0).__getattribute__(["again", "hard", "good", "easy"][rating - 1]).memory
        # Same-day learning steps until Good or Easy (at most three).
        steps = 0
        while rating < 3 and rng.random() < same_day and steps < 3:
            rating = rng.choices([1, 2, 3], [0.25, 0.15, 0.60])[0]
            state = getattr(model.next_states(state, 0.9, 0), ["again", "hard", "good"][rating - 1]).memory
            history.append((day, rating))
            steps += 1
        while True:
            interval = max(1, round(state.stability * rng.uniform(0.95, 1.05)))
            day = last + interval
            if day >= days:
                break
            t = day - last
            r = (1 + factor * t / state.stability) ** (-decay)
            rating = rng.choices([2, 3, 4], RECALL)[0] if rng.random() < r else 1
            state = getattr(model.next_states(state, 0.9, t), ["again", "hard", "good", "easy"][rating - 1]).memory
            history.append((day, rating))
            last = day
            if rating == 1 and rng.random() < same_day:
                rating = rng.choices([1, 3], [0.2, 0.8])[0]
                state = getattr(model.next_states(state, 0.9, 0), ["again", "hard", "good", "easy"][rating - 1]).memory
                history.append((day, rating))
        rows.extend((card, d, g) for d, g in history)
    return rows


def write_log(path, rows):
    with open_text(path, "w") as f:
        f.write("card_id,review_day,rating\n")
        for card, day, rating in rows:
            f.write(f"{card},{day},{rating}\n")


def read_log(path):
    cards = {}
    with open_text(path, "r") as f:
        reader = csv.reader(f)
        next(reader)
        for card, day, rating in reader:
            cards.setdefault(int(card), []).append((int(day), int(rating)))
    return cards


def items_of(cards):
    """One item per non-first review: the card's history up to it (fsrs-rs delta_t), ordered
    chronologically by the day of its last review (optimizer.md). fsrs-rs refuses an item whose
    reviews are all on the first day (learning steps only), as Anki never gives it one."""
    items = []
    for history in cards.values():
        reviews = []
        for i, (day, rating) in enumerate(history):
            reviews.append(FSRSReview(rating, 0 if i == 0 else day - history[i - 1][0]))
            if i > 0 and day > history[0][0]:
                items.append((day, FSRSItem(list(reviews))))
    items.sort(key=lambda x: x[0])
    return [item for _, item in items]


def metrics(cards, w):
    """optimizer.md's metrics, float64, written from FSRS6.md independently of recall."""
    decay = w[20]
    factor = 0.9 ** (-1 / decay) - 1

    def clamp_s(s):
        return min(max(s, 0.001), 36500.0)

    def clamp_d(d):
        return min(max(d, 1.0), 10.0)

    def d0raw(g):
        return w[4] - math.exp(w[5] * (g - 1)) + 1

    loss, n = 0.0, 0
    bins = {}
    for history in cards.values():
        s = clamp_s(w[history[0][1] - 1])
        d = clamp_d(d0raw(history[0][1]))
        lapses = 0
        for i in range(1, len(history)):
            t = history[i][0] - history[i - 1][0]
            g = history[i][1]
            if t > 0:
                p = (1 + factor * t / s) ** (-decay)
                p = min(max(p, 1e-15), 1 - 1e-15)
                y = 1.0 if g > 1 else 0.0
                loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
                n += 1
                key = (
                    math.floor(math.log(t) / math.log(3.62)),
                    math.floor(math.log(i + 1) / math.log(1.89)),
                    0 if lapses == 0 else math.floor(math.log(lapses) / math.log(1.73)) + 1,
                )
                b = bins.setdefault(key, [0, 0.0, 0.0])
                b[0] += 1
                b[1] += y
                b[2] += p
                if g == 1:
                    lapses += 1
                one_minus_r = -math.expm1(-decay * math.log1p(factor * t / s))
                if g == 1:
                    long = w[11] * d ** (-w[12]) * ((s + 1) ** w[13] - 1) * math.exp(w[14] * one_minus_r)
                    s = clamp_s(min(long, s / math.exp(w[17] * w[18])))
                else:
                    scale = math.exp(w[8]) * (w[15] if g == 2 else 1) * (w[16] if g == 4 else 1)
                    s = clamp_s(s * (1 + scale * (11 - d) * s ** (-w[9]) * math.expm1(w[10] * one_minus_r)))
            else:
                inc = math.exp(w[17] * (g - 3 + w[18])) * s ** (-w[19])
                if g > 1:
                    inc = max(inc, 1.0)
                s = clamp_s(s * inc)
            damped = d + (-w[6] * (g - 3) / 9) * (10 - d)
            d = clamp_d(w[7] * d0raw(4) + (1 - w[7]) * damped)
    sq = sum(b[0] * (b[1] / b[0] - b[2] / b[0]) ** 2 for b in bins.values())
    total = sum(b[0] for b in bins.values())
    return {"log_loss": loss / n, "rmse_bins": math.sqrt(sq / total), "scored_reviews": n}


def fit(path, repeat=1):
    cards = read_log(path)
    items = items_of(cards)
    times = []
    params = None
    for _ in range(repeat):
        started = time.perf_counter()
        params = FSRS(DEFAULT_PARAMETERS).compute_parameters(items)
        times.append(time.perf_counter() - started)
    times.sort()
    params = [round(x, 6) for x in params]
    result = {"parameters": params, "seconds": times[len(times) // 2]}
    result.update(metrics(cards, params))
    result["reviews"] = sum(len(h) for h in cards.values())
    return result


# The committed test logs: parameters other than sim_revlog.csv's, and same-day reviews.
FIXTURES = [
    ("forgetful", 1500, 365, 101, 0.0,
     [0.2, 0.6, 1.8, 6.0, 7.5, 0.7, 1.8, 0.02, 1.2, 0.25, 1.3, 2.0, 0.12, 0.4, 1.6, 0.5, 2.0, 0.4, 0.3, 0.1, 0.45]),
    ("learning-steps", 1500, 365, 202, 0.8,
     [0.3, 1.0, 2.5, 9.0, 6.0, 0.6, 2.2, 0.005, 1.7, 0.15, 0.9, 1.5, 0.08, 0.3, 1.8, 0.55, 2.2, 0.6, 0.4, 0.15, 0.2]),
    ("steady", 1200, 540, 303, 0.5,
     [1.0, 2.5, 5.0, 18.0, 5.5, 0.45, 2.8, 0.01, 2.0, 0.1, 1.1, 1.3, 0.05, 0.25, 2.2, 0.4, 2.6, 0.3, 0.2, 0.05, 0.12]),
]


def fixtures(folder):
    reference = []
    for name, cards, days, seed, same_day, params in FIXTURES:
        path = f"{folder}/{name}.csv.gz"
        write_log(path, simulate(params, cards, days, seed, same_day))
        result = fit(path)
        result.pop("seconds")
        reference.append({"name": name, "file": f"{name}.csv.gz", "true_parameters": params,
                          "fsrs_rs": result})
        print(name, result["reviews"], result["log_loss"], file=sys.stderr)
    with open(f"{folder}/reference.json", "w") as f:
        json.dump({"source": "scripts/revlog-sim.py fixtures (fsrs-rs-python, compute_parameters defaults)",
                   "logs": reference}, f, indent=1)
        f.write("\n")


def bench(path, recall, repeat):
    """Times `recall optimize --revlog` as a whole process and fsrs-rs's compute_parameters
    in-process (items already built) on the same log, median of `repeat` runs each; both fits
    judged by the same metric."""
    import subprocess

    ours = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run([recall, "optimize", "--revlog", path, "--json"], check=True, capture_output=True, text=True)
        ours.append(time.perf_counter() - started)
        result = json.loads(out.stdout)
    ours.sort()
    theirs = fit(path, repeat)
    cards = read_log(path)
    mine = metrics(cards, result["parameters"])
    return {
        "log": path, "reviews": theirs["reviews"], "cards": len(cards),
        "recall_seconds": round(ours[len(ours) // 2], 3), "fsrs_rs_seconds": round(theirs["seconds"], 3),
        "recall_log_loss": round(mine["log_loss"], 6), "fsrs_rs_log_loss": round(theirs["log_loss"], 6),
        "recall_rmse_bins": round(mine["rmse_bins"], 6), "fsrs_rs_rmse_bins": round(theirs["rmse_bins"], 6),
    }


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "simulate":
        out = argv[2]
        opts = dict(zip(argv[3::2], argv[4::2]))
        params = [float(x) for x in opts["--params"].split(",")] if "--params" in opts else list(DEFAULT_PARAMETERS)
        rows = simulate(params, int(opts.get("--cards", 5000)), int(opts.get("--days", 365)),
                        int(opts.get("--seed", 1)), float(opts.get("--same-day", 0.5)),
                        int(opts["--learn-days"]) if "--learn-days" in opts else None)
        write_log(out, rows)
        print(f"{out}: {len(rows)} reviews", file=sys.stderr)
    elif command == "fit":
        repeat = int(argv[4]) if len(argv) > 4 and argv[3] == "--repeat" else 1
        print(json.dumps(fit(argv[2], repeat)))
    elif command == "metrics":
        print(json.dumps(metrics(read_log(argv[2]), [float(x) for x in argv[3].split(",")])))
    elif command == "bench":
        repeat = int(argv[5]) if len(argv) > 5 and argv[4] == "--repeat" else 1
        print(json.dumps(bench(argv[2], argv[3], repeat)))
    elif command == "fixtures":
        fixtures(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(64)


if __name__ == "__main__":
    main(sys.argv)

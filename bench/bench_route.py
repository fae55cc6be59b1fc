"""`claude-kit route` over a generated 2,000-skill library vs a 50-skill one, measured side by side.

Libraries are generated from the kit's real library (names, descriptions and triggers recombined,
so the vocabulary and lengths are realistic) and written as index.json files. Interleaved rounds,
median of N each:

  command (warm)   `python -m claude_kit route "<intent>" --index <index.json>`: what an agent runs;
                   the router's built state is cached per index file (~/.cache/claude-kit/route)
  command (cold)   the same right after the cache was dropped (first call after `claude-kit sync`)
  in-process       load the index, load the router (cached) and rank, without interpreter start-up
  build            Router(entries) from scratch: what the cache saves

Target: command (warm) 2,000 / 50 <= 2x. Also prints the import time of `claude_kit.route`.

Accuracy, before and after side by side: top-1 / top-3 on the labelled sets in tests/knowledge/
(symptom_intents.yaml: symptoms as agents meet them; routing_labels.yaml: tasks as developers ask;
heldout_intents.yaml and heldout_intents_2.yaml to _4.yaml: symptoms written by
someone else, ranked with a gateway),
in three columns: the router and library of git revision --baseline (before), that router over this
checkout's library (what the library's symptom triggers alone change), and this checkout (after).
The baseline's installer/claude_kit and hooks/ run in a child process.
Goal (issue 13) on symptom-phrased intents: top-1 >= 80%, top-3 >= 95%.

Usage: python bench/bench_route.py [--runs 15] [--baseline REV] [--accuracy-only] [--labels FILE ...]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import import_times, interleaved, timed
from claude_kit import knowledge, route, route_scoring
from claude_kit.payload import payload_root

INTENTS = (
    "postgres migration add a not null column",
    "flaky test passes locally fails in ci",
    "react list re-renders on every keystroke",
    "leaked api key in git history",
)


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    base = knowledge.library_entries(payload_root() / "skill-library")
    rng = random.Random(seed)
    words = [w for e in base for w in f"{e['description']} {' '.join(e['triggers'])}".split()]
    out = []
    for i in range(n):
        b = base[i % len(base)]
        name = b["name"] if i < len(base) else f"{b['name']}-{i}"
        if i < len(base):
            desc, triggers = b["description"], b["triggers"]
        else:
            desc = "Use when " + " ".join(rng.choice(words) for _ in range(rng.randint(25, 45)))
            triggers = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(8)]
        out.append(
            {
                **b,
                "name": name,
                "description": desc,
                "triggers": triggers,
                "path": f".claude/skill-library/{b['category']}/{name}/SKILL.md",
            }
        )
    return out


# heldout_intents_2.yaml to _4.yaml: held-out sets written blind by someone else (measured when present).
LABELS = (
    "symptom_intents.yaml",
    "routing_labels.yaml",
    "routing_holdout.yaml",
    "heldout_intents.yaml",
    "heldout_intents_2.yaml",
    "heldout_intents_3.yaml",
    "heldout_intents_4.yaml",
)
BASELINE = "286b3ed"  # main before issue 13's routing work
# Run by both routers: top-1 / top-3 of each labelled set, over the library given as argv[1].
# Two formats: the tuning sets map a category to [{intent, expect: name}] and rank over the whole
# library; the held-out set is a list of {intent, gateway, expect: [skill-library/<cat>/<name>]},
# ranked inside the gateway as `claude-kit route --gateway` does, and any listed skill counts.
ACCURACY = """
import json, sys, yaml
from pathlib import Path
from claude_kit import knowledge, route_scoring
entries = knowledge.library_entries(Path(sys.argv[1]))
router = route_scoring.Router(entries)
out = {}
for f in sys.argv[2:]:
    data = yaml.safe_load(Path(f).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        labels = [(i["intent"], None, {i["expect"]}) for items in data.values() for i in items]
    else:
        labels = [
            (i["intent"], i["gateway"].removeprefix("gateway-"), {Path(p).name for p in i["expect"]})
            for i in data
        ]
    names = [[h.name for h in router.rank(intent, gateway=gw, limit=3)] for intent, gw, _ in labels]
    top1 = sum(bool(set(n[:1]) & e) for n, (_, _, e) in zip(names, labels))
    top3 = sum(bool(set(n) & e) for n, (_, _, e) in zip(names, labels))
    out[Path(f).name] = [len(labels), top1, top3]
print(json.dumps(out))
"""


def accuracy(source: Path, library: Path, label_files: list[Path]) -> dict[str, list[int]]:
    """{label file: [intents, top-1 hits, top-3 hits]} with the router of the code under `source`."""
    env = {**os.environ, "PYTHONPATH": f"{source / 'installer'}{os.pathsep}{source / 'hooks'}"}
    cmd = [sys.executable, "-c", ACCURACY, str(library), *map(str, label_files)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"accuracy run under {source} failed:\n{proc.stderr}")
    return dict(json.loads(proc.stdout))


def print_accuracy(baseline: str, labels: list[Path]) -> None:
    checkout = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        paths = ["installer/claude_kit", "hooks", "skill-library"]
        command = ["git", "-C", str(checkout), "archive", "--format=tar", baseline, *paths]
        archive = subprocess.run(command, capture_output=True, check=False)
        if archive.returncode != 0:
            raise SystemExit(f"git archive {baseline} failed: {archive.stderr.decode().strip()}")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        before = accuracy(Path(tmp), Path(tmp) / "skill-library", labels)
        mid = accuracy(Path(tmp), checkout / "skill-library", labels)
    after = accuracy(checkout, checkout / "skill-library", labels)
    print(f"routing accuracy: before = router and library of {baseline}; mid = that router over this")
    print("checkout's library (what the skills' symptom triggers alone change); after = this checkout")
    print(f"{'labelled set':<22}{'intents':>8}{'top-1: before':>15}{'mid':>7}{'after':>7}", end="")
    print(f"{'top-3: before':>15}{'mid':>7}{'after':>7}")
    for name in (path.name for path in labels):
        n, b1, b3 = before[name]
        _, m1, m3 = mid[name]
        _, a1, a3 = after[name]
        print(f"{name:<22}{n:>8}{b1 / n:>15.1%}{m1 / n:>7.1%}{a1 / n:>7.1%}", end="")
        print(f"{b3 / n:>15.1%}{m3 / n:>7.1%}{a3 / n:>7.1%}")
    print("goal on symptom-phrased intents: top-1 >= 80%, top-3 >= 95%\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--baseline", default=BASELINE, help=f"git revision to compare with (default {BASELINE})"
    )
    parser.add_argument("--accuracy-only", action="store_true", help="skip the timing rounds")
    parser.add_argument(
        "--labels",
        nargs="+",
        type=Path,
        help="labelled sets to measure (default: those of LABELS in tests/knowledge)",
    )
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1] / "tests/knowledge"
    default = [here / name for name in LABELS if (here / name).is_file()]
    print_accuracy(args.baseline, args.labels or default)
    if args.accuracy_only:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(base / "cache")}
        os.environ["XDG_CACHE_HOME"] = env["XDG_CACHE_HOME"]
        indexes = {}
        for n in (50, 2000):
            path = base / f"lib{n}" / "index.json"
            path.parent.mkdir()
            path.write_bytes(knowledge.index_bytes(generate(n)))
            indexes[n] = path
            print(f"library of {n:>4} skills: index.json {path.stat().st_size / 1024:.0f} KiB")

        def cmd(n: int, intent: str) -> list[str]:
            return [sys.executable, "-m", "claude_kit", "route", intent, "--index", str(indexes[n])]

        results: dict[str, dict[int, list[float]]] = {
            k: {50: [], 2000: []} for k in ("warm", "cold", "inproc", "build")
        }
        for n in indexes:  # warm the caches once
            timed(cmd(n, INTENTS[0]), env)
        for r, n in interleaved((50, 2000), args.runs):
            intent = INTENTS[r % len(INTENTS)]
            results["warm"][n].append(timed(cmd(n, intent), env))
            start = time.perf_counter()
            entries, _ = route.load_entries(indexes[n])
            route_scoring.load_router(entries, indexes[n]).rank(intent)
            results["inproc"][n].append(time.perf_counter() - start)
            start = time.perf_counter()
            route_scoring.Router(entries)
            results["build"][n].append(time.perf_counter() - start)
        for r, n in interleaved((50, 2000), max(3, args.runs // 3)):  # cold: drop the cache before each call
            shutil.rmtree(base / "cache", ignore_errors=True)
            results["cold"][n].append(timed(cmd(n, INTENTS[r % len(INTENTS)]), env))

        print(f"\nmedian of {args.runs} interleaved runs (cold: {max(3, args.runs // 3)})")
        print(f"{'':<18}{'50 skills':>12}{'2000 skills':>14}{'ratio':>8}")
        for key, label in (
            ("warm", "command (warm)"),
            ("cold", "command (cold)"),
            ("inproc", "in-process"),
            ("build", "build only"),
        ):
            a, b = statistics.median(results[key][50]), statistics.median(results[key][2000])
            print(f"{label:<18}{a * 1000:>10.1f}ms{b * 1000:>12.1f}ms{b / a:>7.2f}x")
        warm = statistics.median(results["warm"][2000]) / statistics.median(results["warm"][50])
        print(f"\ntarget: command (warm) 2000/50 <= 2x -> {warm:.2f}x {'OK' if warm <= 2 else 'OVER TARGET'}")

        importtime = [sys.executable, "-X", "importtime", "-c"]
        total = import_times([*importtime, "import claude_kit.route"], env)["claude_kit.route"][1]
        print(
            f"import claude_kit.route: {total / 1000:.1f} ms cumulative (rapidfuzz is imported on first rank)"
        )
        rapidfuzz = import_times([*importtime, "import rapidfuzz.process, rapidfuzz.fuzz"], env)
        rf = sum(self_us for name, (self_us, _) in rapidfuzz.items() if "rapidfuzz" in name)
        print(f"import rapidfuzz (self times): {rf / 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The quality gate on a monorepo: what a Stop costs when one file of one package changed, now that only
the changed package's checks run and passes are kept per package, side by side with the hooks of
another git revision (default `main`), where the domain's every check re-ran.

A repository of --packages Go modules (`pkgNN/go.mod`, one `test` check each, run in its folder, that
sleeps --suite seconds like a small test suite and logs its package), the kit installed, the feedback
loop off (only the quality gate speaks). Every package's check first passes once (cached). Then each
round, in a new session: a developer edits `pkg07/a.go` (new content), the main thread stops. Reported:
median Stop time and how many suites a Stop ran.

Usage: python bench/bench_checks.py [--packages 20] [--suite 0.2] [--runs 5] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import baseline_repo, hook_env, make_repo, median_ms, settings_command, timed

CHANGED = "pkg07/a.go"


def config(packages: int, suite: float, log: Path) -> str:
    checks = "".join(
        f"      - {{name: test, run: 'sleep {suite}; echo {i} >> {log}', cwd: pkg{i:02d}, timeout: 60}}\n"
        for i in range(packages)
    )
    return (
        "version: 1\ndomains:\n  backend:\n    paths: ['**/*.go']\n    checks:\n"
        + checks
        + "hooks:\n  feedback_loop: {enabled: false}\n"
    )


def files(packages: int) -> list[str]:
    return [f"pkg{i:02d}/{name}" for i in range(packages) for name in ("a.go", "b.go")]


def hook(repo: Path, event: str, module: str, payload: dict[str, object]) -> float:
    argv = ["sh", "-c", settings_command(repo, event, module)]
    base = {"transcript_path": "", "cwd": str(repo), "hook_event_name": event}
    return timed(argv, hook_env(repo), json.dumps({**base, **payload}).encode())


def edit(repo: Path, session: str, rel: str, text: str) -> None:
    (repo / rel).write_text(text)
    hook(repo, "PostToolUse", "post_tool_use", {
        "session_id": session, "tool_name": "Edit", "tool_use_id": "toolu_bench",
        "tool_input": {"file_path": str(repo / rel)}, "tool_response": {},
        "agent_id": "dev1", "agent_type": "backend-developer",
    })  # fmt: skip


def stop(repo: Path, session: str) -> float:
    payload = {"session_id": session, "stop_hook_active": False, "last_assistant_message": "done"}
    return hook(repo, "Stop", "stop", payload)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=20)
    parser.add_argument("--suite", type=float, default=0.2, help="seconds one package's test suite takes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", default="main", help="the hooks to compare with")
    args = parser.parse_args()
    results: dict[str, tuple[list[float], list[int]]] = {}
    with tempfile.TemporaryDirectory(prefix="ck-bench-") as tmp:
        for label in ("now", args.baseline):
            base = Path(tmp) / label
            base.mkdir()
            log = base / "suites.log"
            cfg = config(args.packages, args.suite, log)
            names = files(args.packages)
            repo = make_repo(base, names, cfg) if label == "now" else baseline_repo(base, label, names, cfg)
            for rel in names:  # go.mod per package: the checks' folders are modules
                (repo / rel).parent.joinpath("go.mod").write_text(f"module {Path(rel).parent}\n")
            prime = f"prime-{label}"
            for i in range(args.packages):  # every package's suite passes once: cached
                edit(repo, prime, f"pkg{i:02d}/b.go", "package main // primed\n")
            stop(repo, prime)
            times, suites = [], []
            for r in range(args.runs):
                session = f"bench-{label}-{r}-{time.time_ns()}"
                edit(repo, session, CHANGED, f"package main // round {r}\n")
                before = len(log.read_text().splitlines())
                times.append(stop(repo, session))
                suites.append(len(log.read_text().splitlines()) - before)
            results[label] = (times, suites)
    print(f"{args.packages} Go modules, one `test` check each ({args.suite} s a suite); one file of one "
          f"module changed per Stop; median of {args.runs}")  # fmt: skip
    print(f"  {'hooks':<10} {'Stop':>10} {'suites run':>11}")
    for label, (times, suites) in results.items():
        print(f"  {label:<10} {median_ms(times):8.0f} ms {sorted(suites)[len(suites) // 2]:>11}")
    now, then = median_ms(results["now"][0]), median_ms(results[args.baseline][0])
    print(f"  ratio      {now / then:9.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hot-path benchmark: the PreToolUse hook on an Edit, launched exactly as settings.json launches it.

Compares, in one run with interleaved rounds (median of N each):
  hook (deny)   `sh -c '<PreToolUse command from the installed settings.json>'`, CLAUDE_PROJECT_DIR
                set, a main-thread Edit of a domain file on stdin (agent_first denies and logs)
  hook (allow)  the same with the Edit made inside a subagent (allowed and logged)
  hook (Read)   a Read of the same file: what every Read pays where the team config names secret
                files (only then does the matcher include Read and Grep; elsewhere a Read starts no
                hook); here no secret is configured, so the hook loads the config and stops
  hook (spawn)  a main-thread Agent call to backend-developer: the spawn gates allow it and
                spawn_skills routes its prompt over the library index (updatedInput)
  python        `<the interpreter the launcher resolved> -c pass`   <- the baseline (target <= 1.3x)
  python -E -S  the same interpreter with the launcher's flags: the floor a Python hook can reach
  python3 PATH  `python3 -c pass` through PATH (a pyenv shim shows up here)
  baseline      with --baseline REV: the same hook cases with the hook files of git revision REV
                (same config and wiring; its index without the `body_terms` field that revisions
                before it did not write), so a change to the hooks is judged side by side
Then the hook's import-time breakdown (`-X importtime`, self time per module).

Usage: python bench/bench_hooks.py [--runs 40] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import (
    baseline_repo,
    edit_payload,
    hook_env,
    import_times,
    interleaved,
    make_repo,
    median_ms,
    settings_command,
    spawn_payload,
    timed,
)
from claude_kit_hooks.contract.layout import SKILL_INDEX


def import_breakdown(py: str, repo: Path, payload: bytes, env: dict[str, str]) -> list[tuple[str, int]]:
    hooks = repo / ".claude/hooks"
    prefix = repo / ".claude/.claude-kit/local/pycache"
    hook = str(hooks / "pre_tool_use.py")
    argv = [py, "-E", "-S", "-X", "importtime", "-X", f"pycache_prefix={prefix}", hook]
    rounds = []
    for _ in range(5):
        rounds.append({name: self_us for name, (self_us, _) in import_times(argv, env, payload).items()})
    names = rounds[-1].keys()
    medians = [(n, int(statistics.median(r.get(n, 0) for r in rounds))) for n in names]
    return sorted(medians, key=lambda x: -x[1])


def read_payload(edit: bytes) -> bytes:
    """The subagent's Edit payload as a Read of the same file."""
    payload = json.loads(edit)
    payload["tool_name"], payload["tool_input"] = "Read", {"file_path": payload["tool_input"]["file_path"]}
    return json.dumps(payload).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="rounds per case (default 40)")
    parser.add_argument("--baseline", metavar="REV", help="also time the hooks of this git revision")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ck-bench-") as tmp, tempfile.TemporaryDirectory() as old_tmp:
        repo = make_repo(Path(tmp))
        command = settings_command(repo)
        env = hook_env(repo)
        run = repo / ".claude/hooks/run"
        which = subprocess.run(["sh", str(run), "--which"], capture_output=True, text=True, check=True)
        py = which.stdout.strip()
        deny, allow = edit_payload(repo, subagent=False), edit_payload(repo, subagent=True)
        first = subprocess.run(["sh", "-c", command], input=deny, env=env, capture_output=True, check=True)
        out = first.stdout
        assert json.loads(out)["hookSpecificOutput"]["permissionDecision"] == "deny", out

        cases: dict[str, tuple[list[str], bytes]] = {
            "hook (deny)": (["sh", "-c", command], deny),
            "hook (allow)": (["sh", "-c", command], allow),
            "hook (Read)": (["sh", "-c", command], read_payload(allow)),
            "hook (spawn)": (["sh", "-c", command], spawn_payload(repo)),
            "python": ([py, "-c", "pass"], b""),
            "python -E -S": ([py, "-E", "-S", "-c", "pass"], b""),
            "python3 PATH": (["python3", "-c", "pass"], b""),
        }
        if args.baseline:
            old = baseline_repo(Path(old_tmp), args.baseline)
            old_command = settings_command(old)
            old_env = hook_env(old)
            check = subprocess.run(
                ["sh", "-c", old_command], input=edit_payload(old, subagent=False), env=old_env,
                capture_output=True, check=True,
            )  # fmt: skip
            old_answer = json.loads(check.stdout)["hookSpecificOutput"]
            assert old_answer["permissionDecision"] == "deny", check.stdout
            envs = {"baseline (deny)": old_env, "baseline (allow)": old_env, "baseline (spawn)": old_env}
            cases["baseline (deny)"] = (["sh", "-c", old_command], edit_payload(old, subagent=False))
            cases["baseline (allow)"] = (["sh", "-c", old_command], edit_payload(old, subagent=True))
            cases["baseline (spawn)"] = (["sh", "-c", old_command], spawn_payload(old))
            index = old / SKILL_INDEX
            data = json.loads(index.read_text(encoding="utf-8"))
            for skill in data["skills"]:
                skill.pop("body_terms", None)
            index.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        else:
            envs = {}
        for name, (argv, stdin) in cases.items():  # warm-up: bytecode caches, page cache
            for _ in range(3):
                timed(argv, envs.get(name, env), stdin)
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _, name in interleaved(list(cases), args.runs):
            argv, stdin = cases[name]
            samples[name].append(timed(argv, envs.get(name, env), stdin))
        med = {name: median_ms(values) for name, values in samples.items()}

        print(f"PreToolUse hot path, median of {args.runs} interleaved runs")
        print(f"  command: sh -c '{command}'  (CLAUDE_PROJECT_DIR={repo})")
        print(f"  python:  {py}")
        for name, ms in med.items():
            print(f"  {name:<14} {ms:7.1f} ms   {ms / med['python']:.2f}x python")
        ratio = med["hook (deny)"] / med["python"]
        verdict = "OK" if ratio <= 1.3 else "OVER TARGET"
        print(f"hook (deny) / python -c pass = {ratio:.2f}x (target <= 1.30x): {verdict}")
        print(f"hook (deny) - python -E -S = {med['hook (deny)'] - med['python -E -S']:.1f} ms of kit work")
        if args.baseline:
            for kind in ("deny", "allow", "spawn"):
                now, then = med[f"hook ({kind})"], med[f"baseline ({kind})"]
                ratio_vs = f"{now / then:.3f}x ({now:.1f} vs {then:.1f} ms)"
                print(f"hook ({kind}) / baseline {args.baseline} = {ratio_vs}")

        rows = import_breakdown(py, repo, deny, env)
        total = sum(us for _, us in rows)
        print(f"\nimport time of the hook (self, median of 5): {total / 1000:.1f} ms in {len(rows)} modules")
        for name, us in rows[:15]:
            print(f"  {us / 1000:6.2f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

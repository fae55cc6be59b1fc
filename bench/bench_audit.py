"""`claude-kit audit` on a generated kit source tree of 350 skills and 40 agents (target: < 2 s).

The tree is the kit's own content multiplied: every core skill, the whole library, then renamed
copies of library skills (with their references/) up to 350 skills, and 40 agents (10 domains x
lead/developer/reviewer/tester, from the shipped agents). Median of N runs, both in-process
(`audit.run_audit`) and as the command a CI job runs (`python -m claude_kit audit --source`).

Usage: python bench/bench_audit.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import interleaved, timed
from claude_kit import audit
from claude_kit.payload import payload_root

SKILLS, AGENTS = 350, 40
ROLES = ("lead", "developer", "reviewer", "tester")


def generate(root: Path) -> tuple[int, int]:
    src = payload_root()
    shutil.copytree(src / "skills", root / "skills")
    shutil.copytree(src / "skill-library", root / "skill-library")
    library = sorted(p.parent for p in (root / "skill-library").glob("*/*/SKILL.md"))
    count = len(library) + len(list((root / "skills").glob("*/SKILL.md")))
    k = 0
    while count < SKILLS:
        orig = library[k % len(library)]
        name = f"{orig.name}-copy{k // len(library) + 1}"
        dest = orig.parent / name
        shutil.copytree(orig, dest)
        text = (dest / "SKILL.md").read_text()
        (dest / "SKILL.md").write_text(re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M))
        count, k = count + 1, k + 1
    agents = root / "agents"
    agents.mkdir()
    for d in range(AGENTS // len(ROLES)):
        for role in ROLES:
            text = (src / "agents" / f"backend-{role}.md").read_text()
            name = f"domain{d}-{role}"
            (agents / f"{name}.md").write_text(
                re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
            )
    return count, len(list(agents.glob("*.md")))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        skills, agents = generate(root)
        files = sum(1 for p in root.rglob("*") if p.is_file())
        print(f"tree: {skills} skills, {agents} agents, {files} files")
        first = audit.run_audit(root, source=True)
        errors = [f for f in first.findings if f.severity == "error"]
        print(f"findings: {len(errors)} error(s), {len(first.findings) - len(errors)} warning(s)")
        inproc, command = [], []
        cmd = [sys.executable, "-m", "claude_kit", "audit", "--source", str(root)]
        for _, case in interleaved(("in-process", "command"), args.runs):
            if case == "command":
                command.append(timed(cmd, dict(os.environ), check=False))  # exits 1 on errors
                continue
            start = time.perf_counter()
            audit.run_audit(root, source=True)
            inproc.append(time.perf_counter() - start)
        print(f"\nmedian of {args.runs} runs")
        print(f"  in-process  {statistics.median(inproc) * 1000:7.0f} ms  (min {min(inproc) * 1000:.0f})")
        print(f"  command     {statistics.median(command) * 1000:7.0f} ms  (min {min(command) * 1000:.0f})")
        verdict = "OK" if statistics.median(command) < 2.0 else "OVER TARGET"
        print(f"target: command < 2000 ms -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

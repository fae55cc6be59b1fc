"""The quality gate at Stop: per-domain checks for changed domains, cached by content, bounded."""

from __future__ import annotations

import os
import time
from pathlib import Path

from claude_kit_hooks.contract.records import Check
from claude_kit_hooks.stoploop import quality_gate
from tests.hooks.stoploop.conftest import BACKEND, Kit, allowed, blocked


def with_checks(*checks: str, extra: str = "") -> str:
    """Backend config whose reviewer/tester gate is off, so only the quality gate speaks."""
    body = "".join(f"      - {c}\n" for c in checks)
    return BACKEND + "    checks:\n" + body + "hooks:\n  feedback_loop: {enabled: false}\n" + extra


def test_failing_check_blocks_with_the_command_and_the_tail_of_its_output(kit: Kit) -> None:
    kit.install(
        config=with_checks(
            "{name: vet, run: \"sh -c 'for i in $(seq 1 100); do echo line $i; done; exit 3'\"}"
        )
    )
    kit.edit("cmd/main.go")

    reason = blocked(kit.stop())

    assert 'check "vet" for backend failed (exit 3)' in reason
    assert "sh -c 'for i in $(seq 1 100)" in reason
    assert "line 100" in reason and "line 61" in reason and "line 60\n" not in reason  # 40-line tail
    assert "backend-developer" in reason and "quality_gate: {enabled: false}" in reason
    [rec] = kit.decisions(hook="quality_gate", decision="block")
    assert rec["event"] == "Stop"


def test_checks_run_from_the_project_root_only_for_changed_domains(kit: Kit) -> None:
    config = with_checks("{name: where, run: 'pwd > where.txt'}") + (
        "  frontend:\n    paths: ['**/*.ts']\n    checks:\n      - {name: ts, run: 'touch ts-ran'}\n"
    )
    kit.install(
        config=config.replace("hooks:\n  feedback_loop: {enabled: false}\n", "")
        + "hooks:\n  feedback_loop: {enabled: false}\n"
    )
    kit.edit("sub/dir/main.go")

    allowed(kit.stop())

    assert Path(kit.repo / "where.txt").read_text().strip() == str(kit.repo)
    assert not (kit.repo / "ts-ran").exists()


def test_a_passing_check_is_not_rerun_on_an_unchanged_tree(kit: Kit) -> None:
    kit.install(config=with_checks("{name: count, run: 'echo run >> runs.log'}"))
    kit.edit("cmd/main.go")

    allowed(kit.stop())
    allowed(kit.stop("again"))
    assert (kit.repo / "runs.log").read_text().count("run") == 1

    kit.edit("cmd/main.go", text="package main // changed\n")
    allowed(kit.stop("after a change"))
    assert (kit.repo / "runs.log").read_text().count("run") == 2

    kit.write("cmd/extra.go", "package main\n")  # untracked files of the domain count too
    allowed(kit.stop("after a new file"))
    assert (kit.repo / "runs.log").read_text().count("run") == 3


def test_a_failing_check_is_rerun_every_time(kit: Kit) -> None:
    kit.install(config=with_checks("{name: flaky, run: 'test -f fixed || { echo broken; exit 1; }'}"))
    kit.edit("cmd/main.go")

    assert "broken" in blocked(kit.stop())
    kit.write("fixed", "")  # e.g. a fix outside the domain's files
    allowed(kit.stop(active=True))


def test_a_missing_tool_is_a_configuration_problem_not_a_block(kit: Kit) -> None:
    kit.install(config=with_checks("{name: gotest, run: 'definitely-not-installed-tool-x test ./...'}"))
    kit.edit("cmd/main.go")

    h = kit.stop()

    allowed(h)
    [note] = h.messages
    assert 'check "gotest" for backend could not run (a tool is missing: exit 127)' in note
    assert "configuration problem" in note and "domains.backend.checks" in note


def test_a_hanging_check_is_killed_with_its_process_group_and_reported(kit: Kit) -> None:
    script = "sleep 60 & echo $! > child.pid; wait"
    kit.install(config=with_checks(f"{{name: hang, run: '{script}', timeout: 1}}"))
    kit.edit("cmd/main.go")
    started = time.monotonic()

    reason = blocked(kit.stop())

    assert time.monotonic() - started < 30
    assert 'check "hang" for backend timed out after 1 s and was killed' in reason
    child = int((kit.repo / "child.pid").read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the check's child process {child} survived the timeout")


def test_content_hash_covers_tracked_and_untracked_files_but_not_ignored_ones(kit: Kit) -> None:
    kit.install()
    h = kit.hook("Stop")
    cfg = h.config
    kit.write("a.go", "package a\n")
    first = quality_gate.domain_content_hash(h.project.root, h.project, cfg, "backend")
    kit.write(".gitignore", "gen/\n")
    kit.write("gen/z.go", "package gen\n")
    assert quality_gate.domain_content_hash(h.project.root, h.project, cfg, "backend") == first
    kit.write("a.go", "package a // edit\n")
    assert quality_gate.domain_content_hash(h.project.root, h.project, cfg, "backend") != first


def check(run: str) -> Check:
    return {"name": "c", "run": run, "timeout": 300}


def test_run_check_reports_ok_fail_and_missing(tmp_path: Path) -> None:
    root = str(tmp_path)
    assert quality_gate.run_check(root, check("true"))["status"] == "ok"
    failed = quality_gate.run_check(root, check("echo out; echo err >&2; exit 2"))
    assert failed == {"status": "fail", "code": 2, "tail": "out\nerr"}
    assert quality_gate.run_check(root, check("nope-no-such-command-zz"))["status"] == "missing"


def test_long_output_is_cut_from_the_front_so_the_next_step_and_kill_switch_stay(kit: Kit) -> None:
    long_line = "x" * 70
    kit.install(
        config=with_checks(
            "{name: a-check-with-a-rather-long-name, run: \"sh -c 'for i in $(seq 1 60); do echo "
            f"{long_line} $i; done; exit 1'\"}}"
        )
    )
    kit.edit("cmd/main.go")

    reason = blocked(kit.stop())

    assert len(reason) <= 1900
    assert " 60\n```\nFix the cause (domain code: delegate to backend-developer)" in reason
    assert reason.endswith("hooks: {quality_gate: {enabled: false}} in .claude/claude-kit.yaml.")

"""`claude-kit feature ...`: MANIFEST.yaml validated and atomic, active.json for the hooks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from claude_kit import feature, feature_manifest, feature_store
from claude_kit.errors import KitError
from tests.conftest import build_file_tree, concurrently

ACTIVE_KEYS = {"feature_id", "dir", "manifest", "name", "work_type", "status", "current_phase", "updated_at"}


@pytest.fixture
def repo(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_repo)
    return tmp_repo


def features_dir(repo: Path) -> Path:
    """Feature state is the repository's: in the git common dir, shared by its worktrees."""
    return repo / ".git/claude-kit/features"


def only_id(repo: Path) -> str:
    [fid] = [p.name for p in features_dir(repo).iterdir() if p.is_dir()]
    return fid


def manifest_of(repo: Path, fid: str) -> dict:
    return yaml.safe_load((features_dir(repo) / fid / "MANIFEST.yaml").read_text())


def active(repo: Path) -> dict | None:
    path = features_dir(repo) / "active.json"
    return json.loads(path.read_text()) if path.exists() else None


# Small work runs a handful of phases (find, fix, review, test, done); the rest is skipped.
BUGFIX_RUNS = {"setup", "codebase-discovery", "implementation", "code-quality", "testing", "completion"}


@pytest.mark.parametrize(
    ("work_type", "skipped"),
    [
        ("bugfix", set(feature_manifest.PHASES) - BUGFIX_RUNS),
        ("small", set(feature_manifest.PHASES) - BUGFIX_RUNS - {"skill-discovery"}),
        ("medium", set()),
        ("large", set()),
    ],
)
def test_start_writes_a_valid_manifest_with_the_work_types_skips(
    repo: Path, ck: Callable[..., Result], work_type: str, skipped: set[str]
) -> None:
    result = ck("feature", "start", "Order cancellation (v2)!", "--type", work_type)
    assert result.exit_code == 0, result.output
    fid = only_id(repo)
    assert re.fullmatch(r"\d{8}-\d{6}-order-cancellation-v2", fid)
    m = manifest_of(repo, fid)
    feature_manifest.validate(m, "test")
    assert list(m["phases"]) == list(feature_manifest.PHASES)
    assert {p for p, e in m["phases"].items() if e["status"] == "skipped"} == skipped
    assert set(m["skipped_phases"]) == skipped
    assert (m["status"], m["current_phase"], m["work_type"]) == ("in_progress", "setup", work_type)
    assert m["phases"]["setup"]["status"] == "in_progress" and m["phases"]["setup"]["started_at"]
    assert isinstance(m["created_at"], str)  # timestamps stay strings in YAML (quoted)
    act = active(repo)
    assert act is not None and set(act) == ACTIVE_KEYS
    assert act["dir"] == f".claude/.output/features/{fid}"
    assert (act["feature_id"], act["current_phase"], act["status"]) == (fid, "setup", "in_progress")
    assert f"dir      .claude/.output/features/{fid}" in result.output


def test_phase_updates_status_times_agents_notes_artifacts_and_verdicts(
    repo: Path, ck: Callable[..., Result]
) -> None:
    ck("feature", "start", "checkout", "--type", "medium")
    fid = only_id(repo)
    assert ck("feature", "phase", fid, "setup", "--status", "complete").exit_code == 0
    out = ck(
        "feature",
        "phase",
        "checkout",
        "implementation",
        "--status",
        "in_progress",
        "--agent",
        "backend-developer",
        "--note",
        "task 1 of 2",
    )
    assert out.exit_code == 0, out.output
    m = manifest_of(repo, fid)
    impl = m["phases"]["implementation"]
    assert impl["status"] == "in_progress" and impl["started_at"] and impl["completed_at"] is None
    assert impl["agent"] == "backend-developer" and impl["notes"] == ["task 1 of 2"]
    assert m["current_phase"] == "implementation"  # a phase in progress wins over earlier pending ones
    build_file_tree(repo, {".claude/.output/features/x.md": "report\n"})
    ck(
        "feature",
        "phase",
        fid[:12],
        "implementation",
        "--status",
        "complete",
        "--agent",
        "backend-developer",
        "--note",
        "task 2 of 2",
        "--artifact",
        ".claude/.output/features/x.md",
    )
    ck(
        "feature",
        "phase",
        "active",
        "code_quality",
        "--status",
        "complete",
        "--agent",
        "backend-reviewer",
        "--verdict",
        "PASS",
    )
    m = manifest_of(repo, fid)
    assert m["phases"]["implementation"]["notes"] == ["task 1 of 2", "task 2 of 2"]
    assert m["phases"]["implementation"]["completed_at"]
    assert m["agents_contributed"] == ["backend-developer", "backend-reviewer"]
    assert m["artifacts"][0]["path"] == ".claude/.output/features/x.md"
    assert m["artifacts"][0]["phase"] == "implementation"
    assert m["verification"]["code-quality"]["verdict"] == "PASS"
    assert [h["event"] for h in m["history"]][-1] == "code-quality: pending -> complete by backend-reviewer"
    feature_manifest.validate(m, "test")


def test_a_skipped_phase_can_still_run_when_the_feature_grows(repo: Path, ck: Callable[..., Result]) -> None:
    ck("feature", "start", "tiny fix", "--type", "bugfix")
    fid = only_id(repo)
    assert ck("feature", "phase", fid, "architecture-plan", "--status", "in_progress").exit_code == 0
    assert manifest_of(repo, fid)["current_phase"] == "setup"  # setup is still in progress, and first
    ck("feature", "phase", fid, "setup", "--status", "complete")
    assert manifest_of(repo, fid)["current_phase"] == "architecture-plan"
    assert active(repo)["current_phase"] == "architecture-plan"  # type: ignore[index]
    ck("feature", "phase", fid, "architecture-plan", "--status", "complete")
    assert manifest_of(repo, fid)["phases"]["architecture-plan"]["status"] == "complete"


def test_completing_every_phase_completes_the_feature_and_clears_active(
    repo: Path, ck: Callable[..., Result]
) -> None:
    ck("feature", "start", "docs typo", "--type", "small")
    fid = only_id(repo)
    for p in feature_manifest.PHASES:
        if p not in feature_manifest.SKIPS["small"]:
            assert ck("feature", "phase", fid, p, "--status", "complete").exit_code == 0
    m = manifest_of(repo, fid)
    assert (m["status"], m["current_phase"]) == ("complete", None)
    assert active(repo) is None
    resumed = ck("feature", "resume")
    assert "no feature in progress" in resumed.output and fid in resumed.output


def test_mark_blocked_and_back(repo: Path, ck: Callable[..., Result]) -> None:
    ck("feature", "start", "search", "--type", "large")
    fid = only_id(repo)
    assert (
        ck("feature", "mark", fid, "--status", "blocked", "--note", "waiting for the API key").exit_code == 0
    )
    assert manifest_of(repo, fid)["status"] == "blocked"
    assert active(repo) is None  # the hooks see no feature in progress
    ck("feature", "phase", fid, "triage", "--status", "in_progress")
    assert manifest_of(repo, fid)["status"] == "in_progress"
    assert active(repo)["feature_id"] == fid  # type: ignore[index]
    assert "feature blocked -> in_progress" in manifest_of(repo, fid)["history"][-2]["event"]


def test_the_most_recently_updated_feature_in_progress_is_active(
    repo: Path, ck: Callable[..., Result]
) -> None:
    ck("feature", "start", "alpha", "--type", "small")
    ck("feature", "start", "beta", "--type", "small")
    ids = sorted(p.name for p in features_dir(repo).iterdir() if p.is_dir())
    assert len(ids) == 2
    fs = feature_store.Features(repo)
    m = fs.load(ids[0])
    m["updated_at"] = "2999-01-01T00:00:00Z"  # force alpha to be the latest
    fs.save(m)
    fs.write_active()
    assert active(repo)["feature_id"] == ids[0]  # type: ignore[index]
    assert ck("feature", "status").output.startswith("* ")


def test_ids_resolve_by_dir_prefix_slug_and_active(repo: Path, ck: Callable[..., Result]) -> None:
    fs = feature_store.Features(repo)
    for fid, slug in (
        ("20260101-090000-export-csv", "export-csv"),
        ("20260102-090000-export-csv", "export-csv"),
        ("20260103-090000-search", "search"),
    ):
        fs.save(feature_manifest.new_manifest(fid, slug, slug, "small"))
    fs.write_active()
    assert fs.resolve("20260102-090000-export-csv") == "20260102-090000-export-csv"
    assert fs.resolve("20260101") == "20260101-090000-export-csv"  # unique prefix
    assert fs.resolve("search") == "20260103-090000-search"  # slug
    assert fs.resolve("active") == "20260103-090000-search"  # the latest in progress
    with pytest.raises(KitError, match="matches several features"):
        fs.resolve("export-csv")
    with pytest.raises(KitError, match="no feature matches 'nope'"):
        fs.resolve("nope")
    bad = ck("feature", "phase", "search", "not-a-phase", "--status", "complete")
    assert (
        bad.exit_code == 2 and "unknown phase 'not-a-phase'" in bad.output and "setup, triage" in bad.output
    )


def test_status_and_resume_text_and_json(repo: Path, ck: Callable[..., Result]) -> None:
    ck("feature", "start", "rate limits", "--type", "medium")
    fid = only_id(repo)
    ck("feature", "phase", fid, "setup", "--status", "complete")
    listing = ck("feature", "status")
    assert listing.output.splitlines()[0].split()[:4] == ["*", fid, "medium", "in_progress"]
    detail = ck("feature", "status", fid)
    assert "  2. triage" in detail.output and "16. completion" in detail.output
    data = json.loads(ck("feature", "status", fid, "--format", "json").output)
    assert data["progress"] == "1/16" and data["manifest"]["feature_id"] == fid
    resumed = ck("feature", "resume")
    assert f"active feature: rate limits ({fid})" in resumed.output
    assert "current phase:  triage (pending)" in resumed.output
    assert f"claude-kit feature phase {fid} triage --status in_progress" in resumed.output
    rj = json.loads(ck("feature", "resume", "--format", "json").output)
    assert rj["current_phase"] == "triage" and rj["next"]


def test_a_hand_edited_invalid_manifest_is_reported_with_its_json_path(
    repo: Path, ck: Callable[..., Result]
) -> None:
    ck("feature", "start", "payments", "--type", "medium")
    fid = only_id(repo)
    path = features_dir(repo) / fid / "MANIFEST.yaml"
    path.write_text(path.read_text().replace("status: pending", "status: almost-done", 1))
    result = ck("feature", "phase", fid, "testing", "--status", "complete")
    assert result.exit_code == 2
    assert "invalid feature manifest" in result.output and "$.phases." in result.output
    assert "almost-done" in path.read_text()  # nothing was written over it


def test_save_validates_before_writing(repo: Path) -> None:
    fs = feature_store.Features(repo)
    m = feature_manifest.new_manifest("20260101-000000-x", "x", "x", "small")
    fs.save(m)
    before = fs.path("20260101-000000-x").read_bytes()
    m["work_type"] = "huge"
    with pytest.raises(KitError, match=r"\$\.work_type"):
        fs.save(m)
    assert fs.path("20260101-000000-x").read_bytes() == before


def test_concurrent_updates_lose_nothing(repo: Path) -> None:
    feature.start(repo, "parallel", "large")
    fid = only_id(repo)
    phases = feature_manifest.PHASES[2:10]

    def worker(p: str) -> None:
        feature.phase(repo, fid, p, "complete", agent=f"agent-{p}", note=f"done {p}")

    assert concurrently(worker, phases) == []
    m = manifest_of(repo, fid)
    assert all(m["phases"][p]["notes"] == [f"done {p}"] for p in phases)
    assert sorted(m["agents_contributed"]) == sorted(f"agent-{p}" for p in phases)


def test_reports_go_to_the_output_dir_and_the_state_to_the_shared_folder(
    repo: Path, ck: Callable[..., Result]
) -> None:
    build_file_tree(repo, {".claude/claude-kit.yaml": "version: 1\noutput_dir: build/agent-output\n"})
    ck("feature", "start", "elsewhere", "--type", "small")
    fid = only_id(repo)
    assert (repo / "build/agent-output/features" / fid).is_dir()  # the agents' reports go here
    assert not list((repo / "build/agent-output").rglob("MANIFEST.yaml"))
    assert active(repo)["dir"] == f"build/agent-output/features/{fid}"
    assert active(repo)["manifest"] == f".git/claude-kit/features/{fid}/MANIFEST.yaml"


def test_bad_names_and_types(repo: Path, ck: Callable[..., Result]) -> None:
    assert ck("feature", "start", "!!!", "--type", "small").exit_code == 2
    assert ck("feature", "start", "x", "--type", "huge").exit_code == 2
    assert ck("feature", "phase", "active", "setup", "--status", "complete").exit_code == 2  # none active


@pytest.mark.parametrize(("work_type", "phases"), [("bugfix", 6), ("small", 7)])
def test_small_work_runs_a_handful_of_phases(
    repo: Path, ck: Callable[..., Result], work_type: str, phases: int
) -> None:
    ck("feature", "start", "quick one", "--type", work_type)
    fid = only_id(repo)
    todo = [p for p, rec in manifest_of(repo, fid)["phases"].items() if rec["status"] != "skipped"]
    assert len(todo) == phases and todo[0] == "setup" and todo[-1] == "completion", todo
    assert {"implementation", "code-quality", "testing"} <= set(todo)  # reviewed and tested all the same
    for p in todo:
        assert ck("feature", "phase", fid, p, "--status", "complete").exit_code == 0
    assert manifest_of(repo, fid)["status"] == "complete" and active(repo) is None

"""Routing quality on the labelled intents, and the `claude-kit route` command's behaviour."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from claude_kit import knowledge, lifecycle, route, route_scoring
from claude_kit.payload import payload_root
from claude_kit_hooks.routing import lexical
from claude_kit_hooks.routing.terms import all_words, terms
from tests.conftest import build_file_tree

HERE = Path(__file__).parent
CATEGORIES = {"backend", "frontend", "python", "testing", "security", "kit"}


def load_labels(name: str) -> list[dict[str, str]]:
    data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    return [{**item, "category": cat} for cat, items in data.items() for item in items]


@pytest.fixture(scope="module")
def library() -> list[dict[str, Any]]:
    return knowledge.library_entries(payload_root() / "skill-library")


def accuracy(entries: list[dict[str, Any]], labels: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    router = route_scoring.Router(entries)
    top1 = top3 = 0
    misses = []
    for label in labels:
        names = [h.name for h in router.rank(label["intent"], limit=3)]
        top1 += names[:1] == [label["expect"]]
        top3 += label["expect"] in names
        if label["expect"] not in names:
            misses.append(f"{label['intent']!r}: expected {label['expect']}, got {names}")
    return top1 / len(labels), top3 / len(labels), misses


def measured_top3(entries: list[dict[str, Any]], labels_file: str, what: str) -> tuple[float, list[str]]:
    """Top-3 accuracy and the misses on one labelled set, printed for the run's log."""
    labels = load_labels(labels_file)
    top1, top3, misses = accuracy(entries, labels)
    print(f"\nrouting accuracy on {len(labels)} {what} intents: top-1 {top1:.1%}, top-3 {top3:.1%}")
    for miss in misses:
        print(f"  miss: {miss}")
    return top3, misses


def test_labelled_set_is_realistic_and_covers_every_category(library: list[dict[str, Any]]) -> None:
    labels = load_labels("routing_labels.yaml")
    by_name = {e["name"]: e for e in library}
    assert len(labels) >= 60
    assert {label["category"] for label in labels} == CATEGORIES
    for label in labels:
        assert label["expect"] in by_name, f"label names a skill that does not exist: {label['expect']}"
        assert by_name[label["expect"]]["category"] == label["category"], label
        triggers = {t.lower() for t in by_name[label["expect"]]["triggers"]}
        assert label["intent"].lower() not in triggers, f"copied from the triggers: {label['intent']}"


def test_routing_accuracy_top3_at_least_95_percent(library: list[dict[str, Any]]) -> None:
    top3, misses = measured_top3(library, "routing_labels.yaml", "labelled")
    assert top3 >= 0.95, misses


def test_symptom_phrased_intents_meet_the_goal(library: list[dict[str, Any]]) -> None:
    """Intents as agents meet them (error texts, complaints), written before the router was run on
    them: issue 13's goal is top-1 >= 80% and top-3 >= 95% (bench/bench_route.py prints before/after)."""
    labels = load_labels("symptom_intents.yaml")
    by_name = {e["name"]: e for e in library}
    assert len(labels) >= 40
    for label in labels:
        assert by_name[label["expect"]]["category"] == label["category"], label
        triggers = {t.lower() for t in by_name[label["expect"]]["triggers"]}
        assert label["intent"].lower() not in triggers, f"copied into the triggers: {label['intent']}"
    top1, top3, misses = accuracy(library, labels)
    print(f"\nsymptom intents: top-1 {top1:.1%}, top-3 {top3:.1%}")
    assert top1 >= 0.80 and top3 >= 0.95, misses


def test_routing_accuracy_on_the_holdout_set(library: list[dict[str, Any]]) -> None:
    """Intents never used for tuning: the honest estimate (reported; a loose floor catches collapses)."""
    top3, misses = measured_top3(library, "routing_holdout.yaml", "held-out")
    assert top3 >= 0.80, misses


# -- ranking mechanics ---------------------------------------------------------------------------
ENTRIES = [
    {
        "name": "go-error-handling",
        "category": "backend",
        "gateways": ["backend"],
        "description": "Use when wrapping or inspecting errors in Go services.",
        "triggers": ["errors.Is", "error wrapping", "sentinel error"],
        "path": ".claude/skill-library/backend/go-error-handling/SKILL.md",
    },
    {
        "name": "database-migrations",
        "category": "backend",
        "gateways": ["backend"],
        "description": "Use when writing schema migrations without downtime.",
        "triggers": ["add column postgres", "zero downtime migration", "backfill"],
        "path": ".claude/skill-library/backend/database-migrations/SKILL.md",
    },
    {
        "name": "flaky-test-diagnosis",
        "category": "testing",
        "gateways": ["testing", "backend"],
        "description": "Use when a test passes and fails without code changes.",
        "triggers": ["flaky test", "intermittent failure"],
        "path": ".claude/skill-library/testing/flaky-test-diagnosis/SKILL.md",
    },
]


def test_an_exact_trigger_phrase_wins() -> None:
    hits = route_scoring.Router(ENTRIES).rank("postgres: add column to the orders table", limit=3)
    assert hits[0].name == "database-migrations"
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_typos_and_word_forms_still_match() -> None:
    assert (
        route_scoring.Router(ENTRIES).rank("intermitent failures in the suite")[0].name
        == "flaky-test-diagnosis"
    )
    assert route_scoring.Router(ENTRIES).rank("wrapped errors")[0].name == "go-error-handling"


def test_gateway_filter_keeps_only_that_gateways_skills() -> None:
    router = route_scoring.Router(ENTRIES)
    assert {h.name for h in router.rank("flaky test", gateway="testing")} == {"flaky-test-diagnosis"}
    assert "flaky-test-diagnosis" in {h.name for h in router.rank("flaky test", gateway="backend")}
    assert router.rank("flaky test", gateway="security") == []


def entry(name: str, category: str, use_when: str, triggers: list[str]) -> dict[str, Any]:
    path = f".claude/skill-library/{category}/{name}/SKILL.md"
    return {"name": name, "category": category, "gateways": [category], "description": f"Use when {use_when}",
            "triggers": triggers, "path": path}  # fmt: skip


def test_contractions_and_one_letter_words_are_not_terms() -> None:
    assert terms("the handler isn't returning, it doesn't") == ["handler", "return"]
    assert terms("a b c user's data") == ["user", "data"]
    # "isn't" used to yield the term "t", which matched any trigger holding a lone "t"
    entries = [*ENTRIES, {**ENTRIES[0], "name": "t-shirts", "triggers": ["t"], "path": "x"}]
    assert route_scoring.Router(entries).rank("isn't it wrapped errors")[0].name == "go-error-handling"


def test_numbers_spelled_out_are_not_terms() -> None:
    # "three times" matched a test skill's "three" and ranked it first for a logging bug
    assert terms("a failure shows up three times, two weeks ago once") == [
        "failur",
        "show",
        "time",
        "week",
        "ago",
    ]
    assert terms("charged twice") == ["charg", "twic"]
    # a verb form of a stop word is one too: "uses" stemmed to the term "us"
    assert terms("it silently uses the default") == ["silent", "default"]


def test_quantifiers_are_not_terms() -> None:
    # a trigger holding "too many open files" (load testing) let "many pytest tests" rank it first
    assert terms("share a fixture between many tests with several inputs") == [
        "shar",
        "fixtur",
        "between",
        "test",
        "input",
    ]


def test_slow_does_not_pull_in_every_performance_skill() -> None:
    perf = entry("frontend-performance", "frontend", "improving performance.", ["performance", "latency"])
    assert route_scoring.Router([*ENTRIES, perf]).rank("slow migration backfill")[0].name != perf["name"]
    assert "frontend-performance" not in {h.name for h in route_scoring.Router([*ENTRIES, perf]).rank("slow")}


def test_kit_skills_are_ranked_only_for_intents_about_the_kit() -> None:
    kit = entry(
        "writing-library-skills", "kit", "writing a library skill for flaky test advice.", ["new skill"]
    )
    router = route_scoring.Router([*ENTRIES, kit])
    assert "writing-library-skills" not in {h.name for h in router.rank("flaky test")}
    assert router.rank("write a new skill about flaky tests")[0].name == "writing-library-skills"
    assert "writing-library-skills" in {h.name for h in router.rank("flaky test", gateway="kit")}


def indexed(text: str, rel_dir: str) -> dict[str, Any]:
    """The index entry of the SKILL.md `text` in `rel_dir` (<category>/<name>)."""
    entry = knowledge.entry_for(text, rel_dir.split("/")[0], rel_dir)
    assert entry is not None
    return entry


def test_symptoms_in_a_skill_body_are_indexed_below_its_triggers() -> None:
    body = (
        "---\nname: pool\ndescription: Use when sizing pools.\ntriggers: [pool size]\n---\n# Pools\n"
        "## Diagnosing\n| Symptom | Cause |\n|---|---|\n"
        "| `FATAL: sorry, too many clients already` | pools |\n"
        "Calls fail with `context deadline exceeded while acquiring`.\n```\n## not a heading\n```\n"
    )
    entry = indexed(body, "backend/pool")
    assert entry["symptoms"] == [
        "Pools", "Diagnosing", "FATAL: sorry, too many clients already",
        "context deadline exceeded while acquiring",
    ]  # fmt: skip
    other = {**ENTRIES[0], "name": "clients", "triggers": ["too many clients"], "path": "c"}
    hits = route_scoring.Router([entry, other]).rank("postgres says too many clients already")
    assert [h.name for h in hits] == ["clients", "pool"]  # a trigger outweighs a body symptom


def test_a_body_word_said_twice_is_indexed_once_is_not() -> None:
    text = (
        "---\nname: pool\ndescription: Use when sizing pools.\ntriggers: [pool size]\n---\n# Pools\n"
        "Requests hang until the upstream recovers; a hang means no timeout was set. Mention stampede once.\n"
    )
    entry = indexed(text, "backend/pool")
    assert "hang" in entry["body_terms"].split() and "stamped" not in entry["body_terms"].split()
    # ... but a rule id or error code said once is: it names one problem exactly
    coded = indexed(text.replace("Mention stampede once.", "gosec reports G112."), "backend/pool")
    assert "g112" in coded["body_terms"].split() and "gosec" not in coded["body_terms"].split()
    router = route_scoring.Router([entry, *ENTRIES])
    assert router.rank("requests hang")[0].name == "pool"
    assert router.rank("cache stampede") == [] or router.rank("cache stampede")[0].name != "pool"


def test_a_synonym_phrase_counts_whole_not_word_by_word() -> None:
    # "ci" brings in "build server" and "broke" brings in "stopped working": their loose words
    # ("server", "work", "stop") used to become query terms and match any skill saying them.
    server = entry("http-server", "backend", "structuring an http server.", ["http server"])
    ci = entry("ci-pipelines", "testing", "a build server pipeline is slow.", ["build server cache"])
    router = route_scoring.Router([*ENTRIES, server, ci])
    assert [h.name for h in router.rank("ci takes forty minutes")] == ["ci-pipelines"]
    expanded = router._expand(terms("the service broke"), all_words("the service broke"))
    assert not {"work", "stop"} & {t for matches in expanded.values() for t in matches}


def test_a_synonym_counts_once_with_the_word_it_stands_for(library: list[dict[str, Any]]) -> None:
    # "broke" brings in "regression" and "broken": one concept, scored by its best match in a skill.
    router = route_scoring.Router(library)
    expanded = router._expand(terms("the build broke"), all_words("the build broke"))
    assert set(expanded) == {"build", "brok"}
    assert {"brok", "regression", "broken"} <= set(expanded["brok"])


def test_a_phrasal_verb_is_its_compound() -> None:
    # "logged out" used to leave only "log" (the particle is a stop word) and rank logging skills.
    assert terms("a logged out user keeps calling the api") == ["logout", "user", "call", "api"]
    assert terms("requests timed out after the shut-down") == ["request", "timeout", "shutdown"]
    assert terms("log the request") == ["log", "request"]


def test_a_skill_meeting_more_of_the_query_beats_one_rare_word() -> None:
    # Coverage: "pod" alone (a name word and a trigger) used to outrank a skill that meets most of
    # the query in its description and body.
    pods = entry("kubernetes-pods", "backend", "debugging kubernetes workloads.", ["pod"])
    leak = entry("goroutine-leaks", "backend", "a goroutine never returns.", ["leak"])
    leak["body_terms"] = "count climb memory"
    router = route_scoring.Router([*ENTRIES, pods, leak])
    hits = router.rank("goroutine count and memory climb until the pod dies")
    assert [h.name for h in hits] == ["goroutine-leaks", "kubernetes-pods"]


def test_nothing_in_common_returns_nothing() -> None:
    assert route_scoring.Router(ENTRIES).rank("zzzz qqqq") == []


def test_cached_state_ranks_exactly_like_a_fresh_build(tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(knowledge.index_bytes(ENTRIES))
    fresh = route_scoring.load_router(ENTRIES, index).rank("zero downtime migration backfill")
    cached = route_scoring.load_router(ENTRIES, index).rank("zero downtime migration backfill")
    assert fresh == cached
    cache = Path(lexical.cache_file(str(index.resolve())))
    assert cache.is_file() and str(cache).startswith(str(Path.home()))  # XDG_CACHE_HOME is the test's home
    index.write_bytes(knowledge.index_bytes(ENTRIES[:1]))  # a changed index is not served from the cache
    assert [h.name for h in route_scoring.load_router(ENTRIES[:1], index).rank("backfill")] == []


# -- the command --------------------------------------------------------------------------------------
def test_route_text_prints_rank_score_path_and_description(ck: Callable[..., Result], tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(knowledge.index_bytes(ENTRIES))
    result = ck("route", "backfill a new postgres column", "--index", str(index), "--limit", "2")
    assert result.exit_code == 0, result.output
    first, description = result.output.splitlines()[:2]
    assert first.startswith("1.") and first.endswith(
        ".claude/skill-library/backend/database-migrations/SKILL.md"
    )
    assert description.strip() == "Use when writing schema migrations without downtime."


def test_route_json_and_no_match(ck: Callable[..., Result], tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(knowledge.index_bytes(ENTRIES))
    result = ck(
        "route", "flaky test", "--index", str(index), "--format", "json", "--gateway", "gateway-testing"
    )
    data = json.loads(result.output)
    assert result.exit_code == 0
    assert data["gateway"] == "testing"
    assert [r["name"] for r in data["results"]] == ["flaky-test-diagnosis"]
    assert set(data["results"][0]) == {"rank", "score", "name", "path", "description", "category"}
    missing = ck("route", "zzzz qqqq", "--index", str(index))
    assert missing.exit_code == 1
    assert "no library skill matches" in missing.output


def test_route_rejects_an_unknown_gateway_and_an_empty_intent(
    ck: Callable[..., Result], tmp_path: Path
) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(knowledge.index_bytes(ENTRIES))
    bad = ck("route", "flaky", "--index", str(index), "--gateway", "nope")
    assert bad.exit_code == 2
    assert "unknown gateway 'nope'" in bad.output and "backend, testing" in bad.output
    assert ck("route", "  ", "--index", str(index)).exit_code == 2


def test_route_uses_the_installed_index_of_the_repo_it_runs_in(
    tmp_repo: Path, monkeypatch: pytest.MonkeyPatch, ck: Callable[..., Result]
) -> None:
    build_file_tree(
        tmp_repo,
        {
            "go.mod": "module example.com/x\n",
            "main.go": "package main\n",
            ".claude/skill-library/backend/team-kafka-retries/SKILL.md": (
                "---\nname: team-kafka-retries\n"
                "description: Use when a kafka consumer must retry poison messages.\n"
                "triggers: [kafka retry, poison message, dead letter topic]\n---\n# Kafka retries\n"
            ),
        },
    )
    assert lifecycle.install(tmp_repo) == 0
    monkeypatch.chdir(tmp_repo / ".claude")
    result = ck("route", "kafka poison message keeps failing", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert ".claude/skill-library/backend/team-kafka-retries/SKILL.md" in result.output.splitlines()[0]
    assert route.find_index(tmp_repo) == tmp_repo / route.INDEX_REL


def test_route_outside_an_installed_repo_uses_the_packaged_library(
    tmp_repo: Path, monkeypatch: pytest.MonkeyPatch, ck: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_repo)
    result = ck("route", "postgres migration add a not null column", "--format", "json", "--limit", "1")
    data = json.loads(result.output)
    assert "packaged library" in data["index"]
    assert data["results"][0]["name"] == "database-migrations"


def test_one_word_family_is_one_term() -> None:
    # "concurrency" (a skill's heading) and "concurrent" (a bug report) used to be two terms.
    assert terms("concurrency") == terms("concurrent") == ["concurrent"]
    assert terms("dependency") == terms("dependent")


def test_a_comparative_meets_the_adjective_but_the_comparative_matches_best() -> None:
    profiling = entry("profiling", "python", "when python code is slow.", ["profile"])
    bench = entry("benchmarks", "backend", "prove code got faster.", ["benchmark"])
    fast = entry("test-speed", "testing", "keep the suite fast.", ["suite speed"])
    router = route_scoring.Router([*ENTRIES, profiling, bench, fast])
    assert router.rank("the export got 3x slower")[0].name == "profiling"
    assert [h.name for h in router.rank("is the new encoder faster")][:2] == ["benchmarks", "test-speed"]


def test_how_a_bug_report_says_it_meets_how_a_skill_says_it() -> None:
    # Simultaneity, a hang and a date a day off, each in the words a report uses.
    race = entry("transactions", "backend", "concurrent writes to one row lose an update.", ["lost update"])
    pool = entry("timeouts", "backend", "set a timeout on every outbound call.", ["http client timeout"])
    union = entry("exhaustive-unions", "frontend", "a switch over a union must handle every case.",
                  ["exhaustive switch", "default return null hides a case"])  # fmt: skip
    tz = entry("ci-failures", "testing", "a test fails only in ci: locale and timezone.", ["ci only failure"])
    router = route_scoring.Router([*ENTRIES, race, pool, tz, union])
    assert router.rank("the badge renders nothing for the new status")[0].name == "exhaustive-unions"
    assert router.rank("two people save the same invoice at once")[0].name == "transactions"
    assert router.rank("one of the edits silently disappears")[0].name == "transactions"
    assert router.rank("calls to the payments api hang for minutes")[0].name == "timeouts"
    assert router.rank("the rendered date is a day off in the pipeline")[0].name == "ci-failures"
    prof = entry("profiling", "python", "finding the hot spot.", ["profile python code"])
    cache = entry("http-caching", "frontend", "cache headers and revalidation.", ["stale page after deploy"])
    router = route_scoring.Router([*ENTRIES, prof, cache])
    assert router.rank("cannot tell which function burns the cpu")[0].name == "profiling"
    assert router.rank("the page shows the old title until a hard refresh")[0].name == "http-caching"


def test_a_pitfall_bullet_is_a_symptom_up_to_its_first_sentence() -> None:
    # A "Pitfalls" list says what goes wrong the way a pitfall table does; its fix (after the first
    # sentence) is not what an agent describes.
    body = (
        "---\nname: ci\ndescription: Use when designing CI.\ntriggers: [ci pipeline]\n---\n# CI\n"
        "## Steps\n- Cache dependencies. Always.\n## Pitfalls\n\n"
        "- **No strict mode**: a step without pipefail, so `pytest | tee log` passes when pytest\n"
        "  fails. Set `shell: bash` at workflow level.\n"
        "1. Matrix legs upload artifacts with one name.\n\nProse after the list.\n"
    )
    ci = indexed(body, "testing/ci")
    assert ci["symptoms"] == [
        "CI", "Steps", "Pitfalls",
        "No strict mode: a step without pipefail, so pytest | tee log passes when pytest fails",
        "Matrix legs upload artifacts with one name.",
    ]  # fmt: skip
    other = entry("ci-debugging", "testing", "a ci run failed.", ["ci failure"])
    hits = route_scoring.Router([ci, other]).rank("ci stays green though pytest failed, piped through tee")
    assert hits[0].name == "ci"


def test_a_home_path_says_home() -> None:
    assert terms("the suite rewrote ~/.gitconfig") == ["suit", "rewrot", "home", "gitconfig"]
    assert "home" not in terms("see a~/b and x/~/y")

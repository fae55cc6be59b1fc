"""The library covers what the gateways' scope texts promise: each technology a Go / React-TS / Python
team expects has a skill, reachable from the gateway whose scope names it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from claude_kit import knowledge, route_index
from claude_kit.payload import payload_root

# technology named in a gateway's scope -> (gateway, the library skill that covers it)
COVERAGE = {
    "FastAPI": ("python", "fastapi-service-patterns"),
    "Django": ("python", "django-orm-and-views"),
    "SQLAlchemy": ("python", "sqlalchemy-orm-and-sessions"),
    "Alembic": ("python", "alembic-migrations"),
    "httpx": ("python", "httpx-http-clients"),
    "Pydantic": ("python", "pydantic-models-and-settings"),
    "Celery": ("python", "celery-task-queues"),
    "pgx": ("backend", "go-pgx-database-access"),
    "sqlc": ("backend", "go-sqlc-generated-queries"),
    "cobra": ("backend", "go-cobra-cli"),
    "Dockerfiles": ("backend", "dockerfile-and-container-images"),
    "Docker Compose": ("backend", "docker-compose-local-development"),
    "Kubernetes": ("backend", "kubernetes-manifests"),
    "Vite": ("frontend", "vite-config-and-env-variables"),
    "environment variables": ("frontend", "vite-config-and-env-variables"),
    "monorepo workspaces": ("frontend", "monorepo-workspaces"),
    "ESLint": ("frontend", "eslint-and-prettier-setup"),
    "Prettier": ("frontend", "eslint-and-prettier-setup"),
    "Server Components": ("frontend", "nextjs-server-components"),
    "Server Actions": ("frontend", "nextjs-caching-and-server-actions"),
    "load tests (k6)": ("testing", "load-testing-with-k6"),
    "pull requests": ("testing", "git-pr-workflow"),
    "recovering lost work": ("testing", "git-recovering-lost-work"),
    "receiving a code review": ("testing", "receiving-code-review"),
    "integration tests": ("testing", "go-integration-testing"),
    "CI": ("testing", "ci-pipeline-design"),
    "`git bisect`": ("testing", "debugging-with-git-bisect"),
}


@pytest.fixture(scope="module")
def library() -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in knowledge.library_entries(payload_root() / "skill-library")}


def scope_text(gateway: str) -> str:
    text = (payload_root() / "skills" / f"gateway-{gateway}" / "SKILL.md").read_text(encoding="utf-8")
    match = re.search(r"^Scope: (.+?)\n\n", text, flags=re.S | re.M)
    assert match, f"gateway-{gateway} has no 'Scope:' paragraph"
    return " ".join(match.group(1).split())


def test_the_library_has_at_least_120_skills(library: dict[str, dict[str, Any]]) -> None:
    assert len(library) >= 120


@pytest.mark.parametrize("technology", sorted(COVERAGE))
def test_each_promised_technology_has_a_skill_the_gateway_routes_to(
    technology: str, library: dict[str, dict[str, Any]]
) -> None:
    gateway, skill = COVERAGE[technology]
    assert technology in scope_text(gateway), f"gateway-{gateway}'s scope does not name {technology}"
    assert skill in library, f"{technology}: no library skill {skill}"
    assert gateway in route_index.gateways_of(library[skill]), f"{skill} is not routed from gateway-{gateway}"

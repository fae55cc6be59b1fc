"""What `install` tells the user it detected: domains with their globs, checks with their folders,
the agents it installs, and what it left out and why."""

from __future__ import annotations

from claude_kit.detect import Detection

MAX_LEFT_OUT = 25  # lines of "left out" shown; the rest are counted


def lines(found: Detection, agents: list[str], skipped_agents: list[str]) -> list[str]:
    out = ["Detected:"]
    if not found.domains:
        out.append("  no domains (no Go, JavaScript/TypeScript package or Python code)")
    for name, paths in found.domains.items():
        out.append(f"  domain {name}: {', '.join(paths)}")
        if found.excludes.get(name):
            out.append(f"    except {', '.join(found.excludes[name])}")
        mine = [c for c in found.checks if c.domain == name]
        for c in mine:
            where = "the root" if c.cwd == "." else c.cwd
            out.append(f"    check {c.name}: `{c.run}` in {where} ({c.why})")
        if not mine:
            out.append("    no checks: add them under domains." + name + ".checks")
    if agents:
        out.append(f"  agents: {', '.join(agents)}")
    if skipped_agents:
        out.append(
            f"  agents not installed: {', '.join(skipped_agents)} (no such code here; add the domain to the "
            "config and run `claude-kit update` to get them)"
        )
    if found.left_out:
        out.append("Left out:")
        for item in found.left_out[:MAX_LEFT_OUT]:
            out.append(f"  {item.what}: {item.why}")
        if len(found.left_out) > MAX_LEFT_OUT:
            out.append(f"  ... and {len(found.left_out) - MAX_LEFT_OUT} more")
    return out

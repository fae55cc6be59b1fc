# claude-kit: managed, id=hooks/user_prompt_submit
"""UserPromptSubmit: a one-line reminder of the gateway pattern and any active loop. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.briefings import session
from claude_kit_hooks.runtime.entry import project_root_of, run

if __name__ == "__main__":
    sys.exit(run("UserPromptSubmit", [session.prompt_reminder], root=project_root_of(__file__)))

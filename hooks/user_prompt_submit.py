# claude-kit: managed, id=hooks/user_prompt_submit
"""UserPromptSubmit: a one-line reminder of the gateway pattern and any active loop. Fails open."""

from __future__ import annotations

import sys

import ck_context
import ckrt

if __name__ == "__main__":
    sys.exit(ckrt.run("UserPromptSubmit", [ck_context.prompt_reminder]))

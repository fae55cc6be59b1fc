"""YAML the team writes by hand: the safe loader, where a key given twice is an error, not an overwrite."""

from __future__ import annotations

from typing import Any

import yaml


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # PyYAML keeps the last of two equal keys: two `domains:` would drop the first domain unseen.
        first: dict[str, int] = {}
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.value == "<<":
                continue
            if key.value in first:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key.value!r} (first on line {first[key.value]})",
                    key.start_mark,
                )
            first[key.value] = key.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def load(text: str) -> Any:
    """The document in `text`; raises yaml.YAMLError (with the line) on bad syntax or a duplicate key."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader

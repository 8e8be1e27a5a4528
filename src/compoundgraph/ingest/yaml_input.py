"""YAML from users: safe types only and no aliases.

``yaml.safe_load`` already refuses arbitrary objects, but it expands aliases: a few hundred bytes of nested
``*a`` references ("billion laughs") become gigabytes of lists before any row is looked at. Uploaded
spreadsheets-as-YAML, chain mappings and document metadata never need aliases, so the loader refuses the
first one it meets, where it is written.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.events import AliasEvent
from yaml.nodes import Node

__all__ = ["load_yaml"]


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]  # types-PyYAML leaves it untyped
            raise ComposerError(
                None,
                None,
                f"the alias *{event.anchor} is not accepted (aliases are refused in "
                "uploaded YAML: write the value out)",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """Parse ``text`` like ``yaml.safe_load``, refusing aliases (``yaml.YAMLError`` says where)."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()

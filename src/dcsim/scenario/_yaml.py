"""A YAML loader for input files that refuses what a scenario never needs and an attacker
would use: duplicate keys (PyYAML keeps the last one silently, so a second ``it:`` drops the
first whole section), nesting deeper than :data:`MAX_DEPTH` (PyYAML recurses, so a deep file
ends in RecursionError), and aliases that expand past :data:`MAX_NODES` nodes (the "billion
laughs": nine anchors of nine aliases each are 387 million nodes once anything walks them).
Each refusal is a ``yaml.MarkedYAMLError`` with the line and column of the node at fault.
"""

from __future__ import annotations

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError
from yaml.events import MappingStartEvent, SequenceStartEvent

#: Deepest nesting of mappings and sequences accepted (a scenario needs fewer than ten).
MAX_DEPTH = 64
#: Most nodes the document may have with every alias expanded (a scenario has a few hundred).
MAX_NODES = 200_000


class InputLimitError(yaml.MarkedYAMLError):
    """A YAML input refused by a limit of :class:`StrictSafeLoader`."""


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader with duplicate keys, depth and alias expansion refused."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        nested = isinstance(event, (MappingStartEvent, SequenceStartEvent))
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise InputLimitError(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            if nested:
                self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        if node is not None:
            _check_expanded_size(node)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    continue  # an unhashable key: PyYAML's own error follows
                if first is not key_node:
                    raise ConstructorError(
                        None, None,
                        f"duplicate key {key!r} (first on line {first.start_mark.line + 1}); "
                        "each key may appear once in a mapping",
                        key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _check_expanded_size(root) -> None:
    """Refuse a node graph whose alias-expanded size exceeds :data:`MAX_NODES` (counted once
    per distinct node, so the check itself stays linear in the file)."""
    size: dict[int, int] = {}
    order, stack = [], [root]
    while stack:  # post-order without recursion
        node = stack.pop()
        if id(node) in size:
            continue
        size[id(node)] = -1
        order.append(node)
        children = _children(node)
        stack.extend(c for c in children if id(c) not in size)
    for node in reversed(order):
        total = 1 + sum(size.get(id(c), 1) for c in _children(node))
        size[id(node)] = total
        if total > MAX_NODES:
            raise InputLimitError(None, None, f"aliases expand this document past {MAX_NODES:,} nodes",
                                  node.start_mark)


def _children(node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def load_yaml(text: str):
    """Parse ``text`` with :class:`StrictSafeLoader`."""
    return yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass


def compose_yaml(text: str):
    """The node tree of ``text`` under the same limits."""
    return yaml.compose(text, Loader=StrictSafeLoader)


__all__ = ["MAX_DEPTH", "MAX_NODES", "InputLimitError", "StrictSafeLoader", "compose_yaml", "load_yaml"]

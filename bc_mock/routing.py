"""URL rules whose URL builders are compiled on first use rather than when the rule is added,
and a URL matcher that remembers its recent matches.

werkzeug compiles two URL-building functions (for ``url_for``) per rule as the rule is added:
with bc_mock's routes, about half of ``create_app``'s time. bc_mock answers requests without
building URLs from its rules, so it leaves that work to the first build, if one ever comes.
Matching is unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, MutableMapping
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.routing.matcher import StateMachineMatcher


class LazyBuilderRule(Rule):
    def _compile_builder(self, *args, **kwargs) -> Callable[..., tuple[str, str]]:
        compiled = None

        def build(rule: Rule, *build_args, **build_kwargs) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, *args, **kwargs).__get__(rule, None)
            return compiled(*build_args, **build_kwargs)

        return build


class CachingMatcher(StateMachineMatcher):
    """werkzeug's URL matcher, remembering the rule and values of the paths it matched last.

    Matching walks werkzeug's state machine and runs a regular expression per segment, for
    every request: a tenth of a simple GET's time in bc_mock, whose clients ask for the same
    few paths again and again (a journal, its payments). A match depends only on the domain
    part, the path, the method and the websocket flag (what is passed here), so a path matched
    before gets the same answer. Only matches are kept (a 404, 405 or redirect is raised by
    werkzeug each time, as before); the values are copied for each request, as Flask may change
    them; long paths are not kept, so the cache holds at most ``MAX_ENTRIES`` short keys.
    Adding rules (or werkzeug's re-sorting) forgets everything.
    """

    MAX_ENTRIES = 1024
    MAX_KEY_CHARS = 512

    def __init__(self, merge_slashes: bool) -> None:
        super().__init__(merge_slashes)
        # lru_cache: bounded, and safe to call from every worker thread at once
        self._cached = functools.lru_cache(maxsize=self.MAX_ENTRIES)(super().match)

    def add(self, rule: Rule) -> None:
        super().add(rule)
        self._cached.cache_clear()

    def update(self) -> None:
        super().update()
        self._cached.cache_clear()

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, MutableMapping[str, Any]]:
        if len(domain) + len(path) > self.MAX_KEY_CHARS:
            return super().match(domain, path, method, websocket)
        rule, values = self._cached(domain, path, method, websocket)
        return rule, dict(values)


def cache_matches(url_map: Map) -> None:
    """Give ``url_map`` a CachingMatcher, holding the rules it has already."""
    matcher = CachingMatcher(url_map.merge_slashes)
    matcher._root = url_map._matcher._root  # the state machine of the rules added so far
    url_map._matcher = matcher

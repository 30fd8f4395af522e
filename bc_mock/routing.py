"""URL rules whose URL builders are compiled on first use rather than when the rule is added.

werkzeug compiles two URL-building functions (for ``url_for``) per rule as the rule is added:
with bc_mock's routes, about half of ``create_app``'s time. bc_mock answers requests without
building URLs from its rules, so it leaves that work to the first build, if one ever comes.
Matching is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    def _compile_builder(self, *args, **kwargs) -> Callable[..., tuple[str, str]]:
        compiled = None

        def build(rule: Rule, *build_args, **build_kwargs) -> tuple[str, str]:
            nonlocal compiled
            if compiled is None:
                compiled = Rule._compile_builder(rule, *args, **kwargs).__get__(rule, None)
            return compiled(*build_args, **build_kwargs)

        return build

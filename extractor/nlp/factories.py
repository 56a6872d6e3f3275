"""Versioned registry names for the toolkit's spaCy factories.

Each component is registered as ``extractor_<name>_v<N>``, the name models/pipeline.cfg
uses (as spaCy's own registered functions carry ``.v1``): a change to a component's
settings or behaviour that an existing config could not run with gets ``_v2`` beside
``_v1``, so a config keeps meaning what it meant. Version 1 is also registered under the
unversioned ``extractor_<name>`` that configs written before the versioned names use (a
copy of models/pipeline.cfg given to ``Pipeline(config=...)``), and that callers adding a
component by name (``partial_nlp("extractor_context")``) still use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from spacy.language import Language

F = TypeVar("F", bound=Callable[..., Any])


def versioned(name: str, version: int = 1) -> str:
    """The registered factory name of component ``name`` at ``version``."""
    return f"extractor_{name}_v{version}"


def factory(name: str, default_config: dict[str, Any] | None = None) -> Callable[[F], F]:
    """``Language.factory`` under :func:`versioned` ``(name)`` and the unversioned name."""
    def register(func: F) -> F:
        for registered in (versioned(name), f"extractor_{name}"):
            Language.factory(registered, default_config=default_config or {}, func=func)
        return func
    return register


def component(name: str) -> Callable[[F], F]:
    """``Language.component`` (a stateless function) under both names, as :func:`factory`."""
    def register(func: F) -> F:
        for registered in (versioned(name), f"extractor_{name}"):
            Language.component(registered, func=func)
        return func
    return register

"""Type stubs of ``morgue._native``, the Rust module behind :mod:`morgue`.

Its functions return what the CLI's ``--json`` prints, as strings (``took_ms`` included);
``morgue/__init__.py`` turns them into dicts, DataFrames and Arrow tables. Use :mod:`morgue`.
"""

from __future__ import annotations

import os
import pathlib
from typing import Callable, Iterator, Optional, Union

_Path = Union[str, os.PathLike[str]]

__version__: str

class MorgueError(RuntimeError):
    """The index is damaged or was built by another version, or morgue hit a bug."""

class QueryError(ValueError):
    """A malformed query or one over a query limit."""

    column: int
    """The 1-based character column of the problem in the query."""

class NativeFilters:
    """Validated filters, as the CLI builds them from ``--from``, ``--to``,
    ``--include-undated``, ``--outlet``, ``--entity``, ``--meta`` and ``--author``."""

    def __init__(
        self,
        from_: Optional[str],
        to: Optional[str],
        include_undated: bool,
        outlets: list[str],
        entities: list[str],
        meta: list[str],
        authors: list[str],
    ) -> None: ...
    def describe(self) -> str: ...

class ExportStream(Iterator[str]):
    """Batches of export rows, each a JSON array of ``export --format jsonl`` objects."""

    def __iter__(self) -> ExportStream: ...
    def __next__(self) -> str: ...
    @property
    def provenance(self) -> Optional[str]:
        """The export's provenance (JSON) once every batch has been read."""
    @property
    def warnings(self) -> list[str]: ...

class NativeIndex:
    def __init__(self, path: _Path, aliases: Optional[_Path] = None) -> None: ...
    @property
    def path(self) -> pathlib.Path: ...
    def search(
        self,
        query: str,
        filters: NativeFilters,
        limit: int,
        passages: int,
        sort: str,
        all_copies: bool,
        offset: int,
    ) -> tuple[str, list[str]]: ...
    def outlets(self, query: Optional[str], filters: NativeFilters) -> tuple[str, list[str]]: ...
    def facet(
        self, key: str, query: Optional[str], filters: NativeFilters, top: Optional[int]
    ) -> tuple[str, list[str]]: ...
    def timeline(
        self,
        query: str,
        filters: NativeFilters,
        by: str,
        split_by: Optional[str],
        top: int,
        normalize: bool,
        all_copies: bool,
    ) -> tuple[str, list[str]]: ...
    def entities(
        self,
        query: Optional[str],
        filters: NativeFilters,
        kind: Optional[str],
        top: int,
        all_copies: bool,
    ) -> tuple[str, list[str]]: ...
    def entity(
        self, name: str, related: int, variants: int, limit: int, all_copies: bool
    ) -> Optional[str]: ...
    def article(self, what: str) -> Optional[str]: ...
    def copies(self, what: str) -> Optional[str]: ...
    def stats(self) -> str: ...
    def export(
        self, query: str, filters: NativeFilters, unit: str, batch_size: int
    ) -> ExportStream: ...

def ingest(
    index: _Path,
    paths: list[_Path],
    outlet: Optional[str],
    format: Optional[str],
    fields: list[str],
    force: bool,
    batch: int,
    max_record_size: int,
    aliases: Optional[_Path],
    shards: Optional[int],
) -> str: ...

# Distributed search (morgue.ray): questions and answers are JSON of distributed::Ask/Answer.

class NativeGroup:
    def __init__(self, root: _Path, shards: list[int], aliases: Optional[_Path] = None) -> None: ...
    def answer(self, ask: bytes) -> bytes: ...

class NativeRemote:
    def __init__(
        self,
        groups: int,
        transport: Callable[[list[Optional[bytes]]], list[Optional[bytes]]],
        root: _Path,
        aliases: Optional[_Path] = None,
    ) -> None: ...
    def search(
        self,
        query: str,
        filters: NativeFilters,
        limit: int,
        passages: int,
        sort: str,
        all_copies: bool,
        offset: int,
    ) -> tuple[str, list[str]]: ...
    def outlets(self, query: Optional[str], filters: NativeFilters) -> tuple[str, list[str]]: ...
    def facet(
        self, key: str, query: Optional[str], filters: NativeFilters, top: Optional[int]
    ) -> tuple[str, list[str]]: ...
    def timeline(
        self,
        query: str,
        filters: NativeFilters,
        by: str,
        split_by: Optional[str],
        top: int,
        normalize: bool,
        all_copies: bool,
    ) -> tuple[str, list[str]]: ...
    def entities(
        self,
        query: Optional[str],
        filters: NativeFilters,
        kind: Optional[str],
        top: int,
        all_copies: bool,
    ) -> tuple[str, list[str]]: ...

def plan_shards(
    root: _Path,
    paths: list[_Path],
    shards: Optional[int],
    format: Optional[str] = None,
    min_part_bytes: Optional[int] = None,
) -> str: ...
def finish_shards(root: _Path, aliases: Optional[_Path] = None) -> str: ...

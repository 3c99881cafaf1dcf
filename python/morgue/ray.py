"""morgue on Ray: shards ingested by Ray tasks, searched by Ray actors that keep them open.

>>> import ray, morgue.ray
>>> ray.init()                                   # or ray.init(address="auto") on a cluster
>>> morgue.ray.ingest(["dumps/"], "archive", shards=16)
>>> s = morgue.ray.Searcher("archive")           # one actor per node, each holding some shards
>>> s.search('"Haji Bakr"', from_=2015)["total"] # the same dict as morgue.Index(...).search

**Ingest.** :func:`ingest` creates (or reopens) the sharded root ``root`` and decides which
sources each shard reads: a source already read goes back to the shard whose ledger lists it,
a new one to the shard with the fewest bytes. One Ray task per shard runs morgue's whole
ingest pipeline (reading, dates, furniture, entities, copies, indexing) into its shard folder,
in parallel, and is retried when its worker dies (an interrupted ingest leaves the last commit
usable, and the retry reads what is missing). The driver then joins the shards: a text held by
two shards is kept in the first, near-duplicate copy clusters are joined across shards, and
furniture is learned again from every shard's counts. A re-run reads only new or changed
sources.

**Search.** :class:`Searcher` starts one actor per group of shards. A search goes out in the
rounds of Elasticsearch's ``dfs_query_then_fetch`` (statistics, then a scored query with the
global BM25 statistics, then the fetch of the page's hits), plus one round for the records of
texts read from several sources, which may sit in other shards. The driver merges the rounds
with morgue's own code (``distributed.rs`` in the Rust library): the answer is the one an
index holding every shard gives, the same totals, ids, scores and passages.

**On a cluster.** The root's shard folders must be readable by the actors under the path given
(a shared file system such as NFS, Lustre or a mounted bucket), and writable by the ingest
tasks. Both functions take Ray's placement options (``num_cpus``, ``resources``) for the tasks
and actors.
"""

from __future__ import annotations

import json as _json
import os
import time as _time
from typing import Any, Iterable, Mapping, Sequence

from . import Index, PathLike, _check_count, _field_specs, _native

__all__ = ["ingest", "Searcher"]


def _ingest_shard(folder: str, sources: list[str], options: dict[str, Any]) -> dict[str, Any]:
    """One shard's ingest, in a Ray task: morgue's pipeline into a single index."""
    import morgue

    return morgue.ingest(sources, index=folder, **options)


def ingest(
    paths: PathLike | Iterable[PathLike],
    root: PathLike,
    *,
    shards: int | None = None,
    outlet: str | None = None,
    format: str | None = None,
    fields: Mapping[str, str] | Iterable[str] | None = None,
    batch: int = 5000,
    max_record_size: int = 16 << 20,
    aliases: PathLike | None = None,
    max_retries: int = 3,
    num_cpus: float = 1,
    resources: Mapping[str, float] | None = None,
    min_part_bytes: int = 8 << 20,
) -> dict[str, Any]:
    """Ingests ``paths`` into the sharded root ``root`` with one Ray task per shard.

    ``shards``: the number of shards of a new root (an existing root keeps its own). The other
    options are :func:`morgue.ingest`'s. ``max_retries``: how often a shard's task is run again
    when its worker dies or it fails with an I/O error; ``num_cpus`` and ``resources``: what each
    task reserves. An uncompressed JSON-lines file of two ``min_part_bytes`` or more is split
    into byte ranges (at line boundaries), one per shard, so that one big dump is ingested by
    every task; its records keep their line numbers (``dump.jsonl:LINE``). Returns a dict: ``shards`` (each shard's ``ingest --json`` report, or None
    when it had nothing to read), ``skipped`` (sources that could not be collected),
    ``articles_indexed``, ``duplicates`` (texts held by two shards, kept in the first),
    ``clusters_joined``, ``reindexed`` and ``furniture`` (from furniture learned over every
    shard), ``total_articles``, ``elapsed`` (seconds).
    """
    import ray

    started = _time.monotonic()
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    if shards is not None:
        shards = _check_count(shards, "shards", 1)
    plan = _json.loads(
        _native.plan_shards(
            os.fspath(root),
            [os.fspath(p) for p in paths],
            shards,
            format,
            _check_count(min_part_bytes, "min_part_bytes", 1),
        )
    )
    options = {
        "outlet": outlet,
        "format": format,
        "fields": _field_specs(fields),
        "batch": _check_count(batch, "batch", 1),
        "max_record_size": _check_count(max_record_size, "max_record_size", 1),
        "aliases": None if aliases is None else os.fspath(aliases),
    }
    task = ray.remote(_ingest_shard).options(
        num_cpus=num_cpus,
        resources=dict(resources or {}),
        max_retries=max_retries,
        retry_exceptions=[OSError],
    )
    refs = {
        i: task.remote(folder, sources, options)
        for i, (folder, sources) in enumerate(zip(plan["folders"], plan["sources"]))
        if sources
    }
    done = dict(zip(refs, ray.get(list(refs.values()))))
    reports = [done.get(i) for i in range(len(plan["folders"]))]
    joined = _json.loads(_native.finish_shards(os.fspath(root), options["aliases"]))
    return {
        "shards": reports,
        "skipped": plan["skipped"],
        "articles_indexed": sum(r["articles_indexed"] for r in reports if r),
        **joined,
        "elapsed": round(_time.monotonic() - started, 3),
    }


class _Group:
    """A Ray actor's state: some shards of a root, open (``distributed::Group``)."""

    def __init__(self, root: str, shards: list[int], aliases: str | None) -> None:
        self.group = _native.NativeGroup(root, shards, aliases)

    def answer(self, ask: bytes) -> bytes:
        return self.group.answer(ask)


def _shard_count(root: PathLike) -> int:
    manifest = os.path.join(os.fspath(root), "shards.json")
    try:
        with open(manifest, encoding="utf-8") as f:
            return len(_json.load(f)["shards"])
    except FileNotFoundError:
        raise FileNotFoundError(f"{os.fspath(root)} is not a sharded root (no shards.json)")


class Searcher:
    """Searches a sharded root with Ray actors that keep its shards open.

    ``groups``: the shards each actor holds, as lists of positions in the root's manifest
    (every shard exactly once); by default ``actors`` groups (default: one per alive Ray node,
    at most one per shard) of consecutive shards. ``aliases``: an alias table file instead of
    the root's. ``actor_options``: Ray options for each actor (``num_cpus``, ``resources``,
    ``scheduling_strategy``…).

    :meth:`search`, :meth:`outlets`, :meth:`facet`, :meth:`timeline` and :meth:`entities`
    take the arguments of :class:`morgue.Index`'s methods and give its answers on one index
    holding every shard (``took_ms``: the whole distributed call). Filter values that match nothing give no
    warning here.
    """

    def __init__(
        self,
        root: PathLike,
        *,
        groups: Sequence[Sequence[int]] | None = None,
        actors: int | None = None,
        aliases: PathLike | None = None,
        actor_options: Mapping[str, Any] | None = None,
    ) -> None:
        import ray

        n = _shard_count(root)
        if groups is None:
            if actors is None:
                actors = sum(1 for node in ray.nodes() if node.get("Alive"))
            actors = max(1, min(_check_count(actors, "actors", 1), n))
            groups = [list(range(n))[i * n // actors : (i + 1) * n // actors] for i in range(actors)]
        groups = [sorted(int(s) for s in g) for g in groups]
        if sorted(s for g in groups for s in g) != list(range(n)) or not all(groups):
            raise ValueError(f"groups must hold each of the root's {n} shards exactly once")
        self.groups = groups
        self.path = os.fspath(root)
        actor = ray.remote(_Group).options(**dict(actor_options or {"num_cpus": 0}))
        alias_file = None if aliases is None else os.fspath(aliases)
        self._actors = [actor.remote(self.path, g, alias_file) for g in groups]
        self._ix = _native.NativeRemote(len(self._actors), self._send, self.path, alias_file)

    def _send(self, asks: list[bytes | None]) -> list[bytes | None]:
        """One question per actor (None: nothing to ask it), their answers in order."""
        import ray

        refs = [None if a is None else actor.answer.remote(a) for actor, a in zip(self._actors, asks)]
        got = iter(ray.get([r for r in refs if r is not None]))
        return [None if r is None else next(got) for r in refs]

    def __repr__(self) -> str:
        return f"morgue.ray.Searcher({self.path!r}, groups={self.groups!r})"

    search = Index.search
    outlets = Index.outlets
    facet = Index.facet
    timeline = Index.timeline
    entities = Index.entities

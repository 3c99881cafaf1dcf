"""morgue in Python: search a news archive's morgue index from a notebook.

>>> import morgue
>>> report = morgue.ingest(["seeds/"], index="index")   # the ``ingest --json`` report
>>> ix = morgue.Index("index")
>>> ix.search('"Der Spiegel"', from_=2016)["total"]      # the ``search --json`` object
>>> ix.export("ISIS").to_pandas()                        # every match, a pyarrow.Table
>>> ix.timeline("ISIS", by="month")                      # a pandas DataFrame

Every answer is what the CLI's ``--json`` prints, ``took_ms`` included (the time the library
call took here): dicts for ``search``, ``entity``, ``article``, ``copies``, ``stats`` and
``ingest``; the listings (``outlets``, ``facet``, ``timeline``, ``entities``) are pandas
DataFrames built from the JSON's rows, the rest of the JSON in ``DataFrame.attrs``, or the dict
itself with ``as_frame=False``; ``export`` is a ``pyarrow.Table`` with the columns of
``morgue export --format jsonl`` (see :func:`export_schema`).

The work is done by morgue's Rust library, the same calls the ``morgue`` command and
``morgue serve`` make, with the GIL released: other Python threads run meanwhile.

Filters (every method that selects articles takes them, as keywords):

- ``from_``, ``to``: the first and last day included, as ``morgue search --from/--to`` take
  them: ``2016``, ``"2016-05"``, ``"2016-05-17"`` or a ``datetime.date``.
- ``include_undated``: with ``from_``/``to``, keep undated articles too.
- ``outlets``: one outlet or a list (any of them), matched whole, ignoring case.
- ``entities``: one entity or a list (all of them must be mentioned), any variant the alias
  table knows.
- ``meta``: record metadata, ``{"bias": "left"}``, ``{"bias": ["left", "center"]}`` or
  ``["bias=left", "topic=guns"]``: values of one key are alternatives, different keys are all
  required.
- ``authors``: one author or a list (any of them), the ``author`` metadata.

A filter value that matches no article of the index gives a :class:`MorgueWarning` naming the
closest values the index has, as the CLI says it on stderr. A malformed query raises
:class:`QueryError` (a ``ValueError``, with ``column``); a malformed option ``ValueError``; a
folder without an index ``FileNotFoundError``; a damaged index :class:`MorgueError`. Messages
are the library's, so they name options as the CLI spells them (``--from``).
"""

from __future__ import annotations

import datetime as _dt
import json as _json
import os
import warnings as _warnings
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, Sequence, Union

from . import _native
from ._native import MorgueError, QueryError

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import pyarrow

__version__: str = _native.__version__

__all__ = [
    "Index",
    "ingest",
    "export_schema",
    "MorgueError",
    "MorgueWarning",
    "QueryError",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]
DateLike = Union[str, int, _dt.date, None]
Names = Union[str, Iterable[str], None]
MetaLike = Union[Mapping[str, Union[str, Iterable[str]]], Iterable[str], str, None]


class MorgueWarning(UserWarning):
    """A filter value (outlet, entity, metadata, author) matches no article of the index."""


def export_schema() -> "pyarrow.Schema":
    """The schema of :meth:`Index.export`'s table: the columns of ``morgue export``.

    ============  ==========================  ==============================================
    column        type                        meaning
    ============  ==========================  ==============================================
    rank          int64                       1-based rank of the article in the export
    article_id    string                      16 hex digits
    title         string                      this record's title
    outlet        string (null: unknown)      this record's outlet
    date          date32 (null: undated)      this record's publication date
    date_source   string (null: undated)      where the date was found (provenance)
    url           string (null: unknown)      this record's URL
    path          string                      the path this row's record was read from
    passage       int32 (null: none)          passage number, from 1 (``¶N``)
    text          string (null: none)         the passage's text
    score         float64                     BM25 score of the passage
    authors       list<string>                the ``author`` metadata
    meta          map<string, list<string>>   the record's metadata, lists by key
    ============  ==========================  ==============================================

    One row per appearance (path) of each matching article, or per matching passage with
    ``unit="passage"``. In pandas, ``meta`` cells are lists of ``(key, values)`` pairs
    (``dict(cell)`` gives the JSON object ``export --format jsonl`` writes).
    """
    import pyarrow as pa

    return pa.schema(
        [
            ("rank", pa.int64()),
            ("article_id", pa.string()),
            ("title", pa.string()),
            ("outlet", pa.string()),
            ("date", pa.date32()),
            ("date_source", pa.string()),
            ("url", pa.string()),
            ("path", pa.string()),
            ("passage", pa.int32()),
            ("text", pa.string()),
            ("score", pa.float64()),
            ("authors", pa.list_(pa.string())),
            ("meta", pa.map_(pa.string(), pa.list_(pa.string()))),
        ]
    )


def _names(value: Names, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out = list(value)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{name}: expected strings, got {type(v).__name__}")
    return out


def _meta(meta: MetaLike) -> list[str]:
    """``KEY=VALUE`` specifications, as ``--meta`` takes them."""
    if meta is None:
        return []
    if isinstance(meta, str):
        return [meta]
    if isinstance(meta, Mapping):
        out = []
        for key, values in meta.items():
            for v in _names(values, f"meta[{key!r}]"):
                out.append(f"{key}={v}")
        return out
    return _names(meta, "meta")


def _day(value: DateLike, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        raise TypeError(f"{name}: expected a date, got a bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"{name}: expected a date, YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}")


def _filters(
    from_: DateLike,
    to: DateLike,
    include_undated: bool,
    outlets: Names,
    entities: Names,
    meta: MetaLike,
    authors: Names,
) -> _native.NativeFilters:
    return _native.NativeFilters(
        _day(from_, "from_"),
        _day(to, "to"),
        bool(include_undated),
        _names(outlets, "outlets"),
        _names(entities, "entities"),
        _meta(meta),
        _names(authors, "authors"),
    )


def _warn(messages: Sequence[str], stacklevel: int = 4) -> None:
    """Warns at the caller of the public method (caller → method → _answer → _warn)."""
    for m in messages:
        _warnings.warn(m, MorgueWarning, stacklevel=stacklevel)


def _answer(answer: tuple[str, list[str]]) -> dict[str, Any]:
    doc, messages = answer
    _warn(messages)
    return _json.loads(doc)


def _frame(
    doc: dict[str, Any], rows: list[dict[str, Any]], columns: list[str], dates: Sequence[str]
) -> "pandas.DataFrame":
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=columns)
    for c in dates:
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
    df.attrs.update(doc)
    return df


def _check_count(value: int, name: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}: expected an int, got {type(value).__name__}")
    if value < least:
        raise ValueError(f"{name}: expected at least {least}, got {value}")
    return value


class Index:
    """An opened morgue index (a folder ``morgue ingest`` wrote).

    ``Index(path)`` opens a single index or a sharded root (every shard, as one index). ``aliases``
    names an alias table file (as ``morgue --aliases``); by default the index's own
    ``aliases.tsv``, else the built-in table. Raises ``FileNotFoundError`` when ``path`` holds
    no index. An ``Index`` may be shared by threads: each call releases the GIL.
    """

    def __init__(self, path: PathLike, *, aliases: PathLike | None = None) -> None:
        self._ix = _native.NativeIndex(os.fspath(path), None if aliases is None else os.fspath(aliases))

    @property
    def path(self) -> str:
        """The index folder."""
        return os.fspath(self._ix.path)

    def __repr__(self) -> str:
        return f"morgue.Index({self.path!r})"

    def search(
        self,
        query: str,
        *,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
        limit: int = 10,
        passages: int = 1,
        sort: str = "relevance",
        all_copies: bool = False,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Searches: the ``morgue search QUERY --json`` object, as a dict.

        ``query`` uses the CLI's syntax (words, ``"phrases"``, ``AND``/``OR``/``NOT``,
        ``title:``, ``outlet:``, ``entity:``, ``meta.KEY:``…). ``limit`` hits from ``offset``
        (0: the best), ``passages`` per hit, ``sort`` ``"relevance"``, ``"date"`` or
        ``"-date"``; ``all_copies`` shows every near-duplicate copy as its own hit. Keys:
        ``took_ms``, ``query``, ``parsed``, ``total``, ``copies``, ``undated``,
        ``appearances``, ``hits`` (see the README's *JSON output*).
        """
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        return _answer(
            self._ix.search(
                query,
                f,
                _check_count(limit, "limit"),
                _check_count(passages, "passages", 1),
                sort,
                bool(all_copies),
                _check_count(offset, "offset"),
            )
        )

    def outlets(
        self,
        query: str | None = None,
        *,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
        as_frame: bool = True,
    ) -> "pandas.DataFrame | dict[str, Any]":
        """Outlets of the whole index or of a query's results (``morgue outlets --json``).

        A DataFrame with one row per outlet: ``outlet`` (None: unknown), ``articles``,
        ``first``, ``last`` (datetime64, NaT when none), ``undated``; ``attrs`` holds
        ``query``, ``total``, ``undated``, ``took_ms``. ``as_frame=False``: the dict.
        """
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        doc = _answer(self._ix.outlets(query, f))
        if not as_frame:
            return doc
        rows = doc.pop("outlets")
        return _frame(doc, rows, ["outlet", "articles", "first", "last", "undated"], ["first", "last"])

    def facet(
        self,
        key: str,
        query: str | None = None,
        *,
        top: int | None = None,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
        as_frame: bool = True,
    ) -> "pandas.DataFrame | dict[str, Any]":
        """The values of ``outlet``, ``author`` or any metadata key (``morgue facet --json``).

        A DataFrame with one row per value (the ``top`` most common; all by default):
        ``value`` (None: the articles without one), ``articles``, ``first``, ``last``
        (datetime64), ``undated``; ``attrs`` holds ``query``, ``key``, ``total``, ``undated``,
        ``values``, ``took_ms``. A key no article has raises ``ValueError`` naming the closest
        keys. ``as_frame=False``: the dict.
        """
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        n = None if top is None else _check_count(top, "top", 1)
        doc = _answer(self._ix.facet(key, query, f, n))
        if not as_frame:
            return doc
        rows = doc.pop("rows")
        return _frame(doc, rows, ["value", "articles", "first", "last", "undated"], ["first", "last"])

    def timeline(
        self,
        query: str,
        *,
        by: str = "year",
        split_by: str | None = None,
        top: int = 10,
        normalize: bool = False,
        all_copies: bool = False,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
        as_frame: bool = True,
    ) -> "pandas.DataFrame | dict[str, Any]":
        """Matching articles per period (``morgue timeline --json``).

        ``by``: ``"year"``, ``"month"``, ``"week"`` or ``"day"``; ``split_by``: ``"outlet"``
        or a metadata key, one group per value (the ``top`` largest, the rest as ``other``);
        ``normalize``: each count as a share of all the group's articles in the period.

        A DataFrame in long form, as ``timeline --csv`` writes it: one row per period and
        group, ``period`` (``"2016"``, ``"2016-05"``…), ``start`` (datetime64, the period's
        first day), ``group``, ``count``, and with ``normalize`` ``of`` and ``share`` (NaN: a
        gap, the group published nothing then). ``attrs`` holds ``query``, ``by``,
        ``groups``, ``total``, ``undated``, ``took_ms``. ``as_frame=False``: the dict (cells
        by group position).
        """
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        doc = _answer(
            self._ix.timeline(
                query,
                f,
                by,
                split_by,
                _check_count(top, "top", 1),
                bool(normalize),
                bool(all_copies),
            )
        )
        if not as_frame:
            return doc
        periods = doc.pop("rows")
        columns = ["period", "start", "group", "count"] + (["of", "share"] if normalize else [])
        rows = []
        for p in periods:
            for group, cell in zip(doc["groups"], p["cells"]):
                row = {"period": p["period"], "start": p["start"], "group": group, **cell}
                rows.append(row)
        df = _frame(doc, rows, columns, ["start"])
        if normalize:
            df["share"] = df["share"].astype("float64")
        return df

    def entities(
        self,
        query: str | None = None,
        *,
        type: str | None = None,
        top: int = 20,
        all_copies: bool = False,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
        as_frame: bool = True,
    ) -> "pandas.DataFrame | dict[str, Any]":
        """The most mentioned entities, by stories (``morgue entities --json``).

        ``type``: ``"person"``, ``"org"``, ``"location"`` or ``"misc"``. A DataFrame with one
        row per entity: ``name``, ``type``, ``articles`` (stories), ``mentions``,
        ``ambiguous``; ``attrs`` holds ``query``, ``articles``, ``copies``, ``distinct``,
        ``took_ms``. ``as_frame=False``: the dict.
        """
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        doc = _answer(
            self._ix.entities(query, f, type, _check_count(top, "top"), bool(all_copies))
        )
        if not as_frame:
            return doc
        rows = doc.pop("entities")
        return _frame(doc, rows, ["name", "type", "articles", "mentions", "ambiguous"], [])

    def entity(
        self,
        name: str,
        *,
        related: int = 10,
        variants: int = 10,
        limit: int = 20,
        all_copies: bool = False,
    ) -> dict[str, Any] | None:
        """What the index knows about one entity (``morgue entity NAME --json``), a dict.

        ``None`` when no article mentions the name, or the alias table drops it. Keys:
        ``took_ms``, ``query``, ``name``, ``type``, ``ambiguous``, ``candidates``,
        ``variants``, ``variants_total``, ``articles``, ``copies``, ``mentions``, ``outlets``,
        ``first_date``, ``last_date``, ``co_mentioned``, ``article_list``.
        """
        doc = self._ix.entity(
            name,
            _check_count(related, "related"),
            _check_count(variants, "variants"),
            _check_count(limit, "limit"),
            bool(all_copies),
        )
        return None if doc is None else _json.loads(doc)

    def article(self, article: str) -> dict[str, Any]:
        """One article by id (16 hex digits) or by a path it was ingested from
        (``morgue show ARTICLE --json``): provenance, entities, text, numbered passages,
        appearances. Raises ``KeyError`` when the index has no such article.
        """
        doc = self._ix.article(article)
        if doc is None:
            raise KeyError(f"no article {article!r} in {self.path}: give an id from search or an ingested path")
        return _json.loads(doc)

    def copies(self, article: str) -> dict[str, Any]:
        """The near-duplicate copies of an article (``morgue copies ARTICLE --json``).
        Raises ``KeyError`` when the index has no such article.
        """
        doc = self._ix.copies(article)
        if doc is None:
            raise KeyError(f"no article {article!r} in {self.path}")
        return _json.loads(doc)

    def stats(self) -> dict[str, Any]:
        """Figures about the whole index (``morgue stats --json``)."""
        return _json.loads(self._ix.stats())

    def export_batches(
        self,
        query: str,
        *,
        unit: str = "article",
        batch_size: int = 10_000,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
    ) -> Iterator["pyarrow.RecordBatch"]:
        """Every match, streamed: ``pyarrow.RecordBatch``es of at most ``batch_size`` rows
        with :func:`export_schema`, in export order. Nothing is capped; memory holds a few
        batches at a time. Stopping the iteration stops the export.
        """
        stream = self._export_stream(query, unit, batch_size, from_, to, include_undated, outlets, entities, meta, authors)
        for batch in stream:
            yield _record_batch(batch)

    def export(
        self,
        query: str,
        *,
        unit: str = "article",
        batch_size: int = 10_000,
        from_: DateLike = None,
        to: DateLike = None,
        include_undated: bool = False,
        outlets: Names = None,
        entities: Names = None,
        meta: MetaLike = None,
        authors: Names = None,
    ) -> "pyarrow.Table":
        """Every match as a ``pyarrow.Table`` (``morgue export --format jsonl``'s rows).

        ``unit="article"``: one row per appearance of each matching article, with its best
        passage; ``unit="passage"``: one row per matching passage. Columns: see
        :func:`export_schema`. Built from batches streamed by the library (``batch_size``
        rows each). The schema's metadata ``morgue.provenance`` holds what
        ``export --output FILE`` writes to ``FILE.meta.json`` (query, filters, morgue
        version, index fingerprint, row count). ``.to_pandas()`` gives a DataFrame;
        ``polars.from_arrow`` a polars one.
        """
        import pyarrow as pa

        stream = self._export_stream(query, unit, batch_size, from_, to, include_undated, outlets, entities, meta, authors)
        batches = [_record_batch(b) for b in stream]
        table = pa.Table.from_batches(batches, schema=export_schema())
        provenance = stream.provenance
        if provenance is not None:
            table = table.replace_schema_metadata({"morgue.provenance": provenance})
        return table

    def _export_stream(
        self,
        query: str,
        unit: str,
        batch_size: int,
        from_: DateLike,
        to: DateLike,
        include_undated: bool,
        outlets: Names,
        entities: Names,
        meta: MetaLike,
        authors: Names,
    ) -> _native.ExportStream:
        f = _filters(from_, to, include_undated, outlets, entities, meta, authors)
        stream = self._ix.export(query, f, unit, _check_count(batch_size, "batch_size", 1))
        _warn(stream.warnings, stacklevel=4)
        return stream


def _record_batch(batch: str) -> "pyarrow.RecordBatch":
    """A JSON array of export rows as a RecordBatch of :func:`export_schema`."""
    import pyarrow as pa

    rows = _json.loads(batch)
    schema = export_schema()
    arrays = []
    for field in schema:
        values = [r.get(field.name) for r in rows]
        if field.name == "date":
            arrays.append(pa.array(values, pa.string()).cast(pa.date32()))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)



def _field_specs(fields: "Mapping[str, str] | Iterable[str] | None") -> list[str]:
    """``fields`` as the CLI's ``--field ROLE=NAME`` values."""
    if fields is None:
        return []
    if isinstance(fields, Mapping):
        return [f"{role}={name}" for role, name in fields.items()]
    return _names(fields, "fields")

def ingest(
    paths: PathLike | Iterable[PathLike],
    *,
    index: PathLike,
    outlet: str | None = None,
    format: str | None = None,
    fields: Mapping[str, str] | Iterable[str] | None = None,
    force: bool = False,
    batch: int = 5000,
    max_record_size: int = 16 << 20,
    aliases: PathLike | None = None,
    shards: int | None = None,
) -> dict[str, Any]:
    """Reads files and folders into the index at ``index`` (created when missing), as
    ``morgue ingest PATH... --index INDEX`` does; returns its ``--json`` report as a dict
    (``files``, ``articles_read``, ``articles_indexed``, ``skipped``, ``warnings``,
    ``total_articles``, ``elapsed``, ``stages``…; see the README).

    Options, as the CLI's: ``outlet`` (record this outlet for every article), ``format``
    (``text``, ``json``, ``csv``, ``html``, ``warc``: read every file as it), ``fields``
    (``{"text": "content_original"}`` or ``["text=content_original"]``: a record field per
    role), ``force`` (read sources the ledger knows unchanged again), ``batch`` (articles per
    commit), ``max_record_size`` (bytes; larger records are skipped), ``aliases`` (an alias
    table file), ``shards`` (build a sharded root of that many shards, as ``--shards N``; an
    existing root keeps its own number; ``Index`` opens a root as one index). Skipped sources
    and records are in the report, not raised.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    doc = _native.ingest(
        os.fspath(index),
        [os.fspath(p) for p in paths],
        outlet,
        format,
        _field_specs(fields),
        bool(force),
        _check_count(batch, "batch", 1),
        _check_count(max_record_size, "max_record_size", 1),
        None if aliases is None else os.fspath(aliases),
        None if shards is None else _check_count(shards, "shards", 1),
    )
    return _json.loads(doc)

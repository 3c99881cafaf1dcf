"""The Python package gives the CLI's answers.

Indexes are built from the repository's seeds/ and from tests/fixtures (metadata records and a
wire story run by two outlets), once with ``morgue.ingest`` and once with the ``morgue``
binary; every answer of the package is compared with the binary's ``--json`` (``took_ms``
aside). The binary is ``$MORGUE_BIN``, else ``$CARGO_TARGET_DIR/debug/morgue`` (``target/``
by default), built with ``cargo build`` when missing.
"""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import subprocess
import threading
import warnings

import pytest

import morgue

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = [ROOT / "tests/fixtures/meta/records.jsonl", ROOT / "tests/fixtures/wire/runs.jsonl"]
TIMINGS = ("took_ms", "elapsed", "stages")


def _binary() -> str:
    given = os.environ.get("MORGUE_BIN")
    if given:
        return given
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "debug" / "morgue"
    if not path.exists():
        subprocess.run(["cargo", "build", "--bin", "morgue"], cwd=ROOT, check=True)
    return str(path)


BIN = _binary()


def cli(*args: str, ok: tuple[int, ...] = (0, 1)):
    """Runs the binary; returns its stdout parsed as JSON."""
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=env)
    assert p.returncode in ok, p.stderr
    return json.loads(p.stdout)


def cli_lines(*args: str) -> list[dict]:
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, env=env)
    assert p.returncode in (0, 1), p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.strip()]


def untimed(doc):
    """The document without its timings (they differ from run to run)."""
    if isinstance(doc, dict):
        return {k: v for k, v in doc.items() if k not in TIMINGS}
    return doc


class Built:
    """One corpus indexed twice: by the package (``py``) and by the binary (``cli``)."""

    def __init__(self, tmp: pathlib.Path, sources: list[pathlib.Path]):
        self.py_dir = tmp / "py"
        self.cli_dir = tmp / "cli"
        self.report = morgue.ingest(sources, index=self.py_dir)
        self.cli_report = cli("ingest", *sources, "--index", self.cli_dir, "--json")
        self.ix = morgue.Index(self.py_dir)

    def both(self, *args: str) -> tuple:
        """The binary's answer over its index, as JSON without timings."""
        return untimed(cli(*args, "--index", self.cli_dir, "--json"))


@pytest.fixture(scope="session")
def seeds(tmp_path_factory) -> Built:
    return Built(tmp_path_factory.mktemp("seeds"), [SEEDS])


@pytest.fixture(scope="session")
def meta(tmp_path_factory) -> Built:
    return Built(tmp_path_factory.mktemp("meta"), FIXTURES)


def test_ingest_reports_what_the_cli_reports(seeds, meta):
    for built in (seeds, meta):
        assert untimed(built.report) == untimed(built.cli_report)
        assert built.report["articles_indexed"] > 0
        assert isinstance(built.report["took_ms"], float)
    assert seeds.report["total_articles"] == len(list(SEEDS.glob("*.txt")))


SEARCHES = [
    ('"Der Spiegel"', {}, []),
    ("ISIS", {"limit": 3, "passages": 2}, ["--limit", "3", "--passages", "2"]),
    ("ISIS", {"from_": 2016, "to": "2017-06"}, ["--from", "2016", "--to", "2017-06"]),
    ("ISIS", {"from_": datetime.date(2017, 1, 1), "include_undated": True}, ["--from", "2017-01-01", "--include-undated"]),
    ("ISIS OR Raqqa", {"sort": "-date", "all_copies": True}, ["--sort", "-date", "--all-copies"]),
    ("Baghdadi", {"entities": "Abu Bakr al-Baghdadi"}, ["--entity", "Abu Bakr al-Baghdadi"]),
]


@pytest.mark.parametrize("query,kwargs,flags", SEARCHES)
def test_search_is_the_cli_json(seeds, query, kwargs, flags):
    got = seeds.ix.search(query, **kwargs)
    assert "took_ms" in got
    assert untimed(got) == seeds.both("search", query, *flags)


def test_search_by_outlet_and_offset(seeds):
    outlets = seeds.ix.outlets(as_frame=False)["outlets"]
    named = [o["outlet"] for o in outlets if o["outlet"]]
    assert named, "the seeds have outlets"
    got = seeds.ix.search("the", outlets=named[:2], limit=2, offset=1)
    flags = [x for o in named[:2] for x in ("--outlet", o)]
    whole = seeds.both("search", "the", *flags, "--limit", "3")
    assert got["total"] == whole["total"]
    assert got["hits"][0]["article_id"] == whole["hits"][1]["article_id"]


def test_outlets_timeline_entities_stats(seeds):
    ix = seeds.ix
    assert untimed(ix.outlets(as_frame=False)) == seeds.both("outlets")
    assert untimed(ix.outlets("ISIS", from_=2016, as_frame=False)) == seeds.both("outlets", "ISIS", "--from", "2016")
    for kwargs, flags in [
        ({}, []),
        ({"by": "month"}, ["--by", "month"]),
        ({"split_by": "outlet", "top": 2, "normalize": True}, ["--split-by", "outlet", "--top", "2", "--normalize"]),
    ]:
        assert untimed(ix.timeline("ISIS", as_frame=False, **kwargs)) == seeds.both("timeline", "ISIS", *flags)
    assert untimed(ix.entities(as_frame=False)) == seeds.both("entities")
    assert untimed(ix.entities("ISIS", type="person", top=5, as_frame=False)) == seeds.both(
        "entities", "ISIS", "--type", "person", "--top", "5"
    )
    cli_stats = cli("stats", "--index", seeds.py_dir, "--json")
    assert untimed(ix.stats()) == untimed(cli_stats)


def test_frames_hold_the_rows(seeds):
    ix = seeds.ix
    doc = ix.outlets(as_frame=False)
    df = ix.outlets()
    assert list(df.columns) == ["outlet", "articles", "first", "last", "undated"]
    assert df["articles"].tolist() == [o["articles"] for o in doc["outlets"]]
    assert df.attrs["total"] == doc["total"]
    assert str(df["first"].dtype).startswith("datetime64")

    t = ix.timeline("ISIS", by="year", split_by="outlet", top=2, normalize=True)
    td = ix.timeline("ISIS", by="year", split_by="outlet", top=2, normalize=True, as_frame=False)
    assert list(t.columns) == ["period", "start", "group", "count", "of", "share"]
    assert len(t) == len(td["rows"]) * len(td["groups"])
    assert t["count"].sum() == sum(c["count"] for r in td["rows"] for c in r["cells"])
    assert t.attrs["groups"] == td["groups"]

    e = ix.entities(top=5)
    assert list(e.columns) == ["name", "type", "articles", "mentions", "ambiguous"]
    assert e["name"].tolist() == [x["name"] for x in ix.entities(top=5, as_frame=False)["entities"]]


def test_entity_and_article(seeds):
    ix = seeds.ix
    name = ix.entities(top=1, as_frame=False)["entities"][0]["name"]
    assert untimed(ix.entity(name)) == seeds.both("entity", name)
    assert untimed(ix.entity(name, limit=1, related=2, variants=1)) == seeds.both(
        "entity", name, "--limit", "1", "--related", "2", "--variants", "1"
    )
    assert ix.entity("Nobody Ever Mentioned Here") is None
    assert seeds.both("entity", "Nobody Ever Mentioned Here") is None

    hit = ix.search('"Der Spiegel"')["hits"][0]
    by_id = ix.article(hit["article_id"])
    assert untimed(by_id) == seeds.both("show", hit["article_id"])
    assert untimed(ix.article(hit["path"])) == untimed(by_id)
    assert untimed(ix.copies(hit["article_id"])) == seeds.both("copies", hit["article_id"])
    with pytest.raises(KeyError):
        ix.article("0000000000000000")


def _jsonl_row(row: dict) -> dict:
    """An Arrow row (as Python values) in the shape of an ``export --format jsonl`` line."""
    out = dict(row)
    out["date"] = None if row["date"] is None else row["date"].isoformat()
    out["meta"] = {k: list(v) for k, v in (row["meta"] or [])}
    return out


@pytest.mark.parametrize("unit", ["article", "passage"])
def test_export_is_the_cli_export(seeds, unit):
    table = seeds.ix.export("ISIS OR Raqqa", unit=unit, batch_size=2)
    rows = [_jsonl_row(r) for r in table.to_pylist()]
    lines = cli_lines("export", "ISIS OR Raqqa", "--unit", unit, "--format", "jsonl", "--index", seeds.py_dir)
    assert table.num_rows == len(lines) > 2
    assert table.schema.names == list(lines[0].keys())
    assert table.schema.remove_metadata() == morgue.export_schema()
    assert rows == lines
    # The binary's own index holds the same rows; passages of one article with equal scores
    # may come in another order there (their order follows the index's document order).
    theirs = cli_lines("export", "ISIS OR Raqqa", "--unit", unit, "--format", "jsonl", "--index", seeds.cli_dir)
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(rows, key=key) == sorted(theirs, key=key)
    provenance = json.loads(table.schema.metadata[b"morgue.provenance"])
    assert provenance["rows"] == len(lines) and provenance["unit"] == unit
    df = table.to_pandas()
    assert len(df) == len(lines) and list(df.columns) == table.schema.names


def test_export_streams_batches(seeds):
    batches = list(seeds.ix.export_batches("ISIS OR Raqqa", batch_size=2))
    assert len(batches) >= 2 and all(b.num_rows <= 2 for b in batches)
    assert sum(b.num_rows for b in batches) == seeds.ix.export("ISIS OR Raqqa").num_rows
    # Stopping early stops the export (the thread sees the stream gone).
    it = seeds.ix.export_batches("ISIS OR Raqqa", batch_size=1)
    assert next(it).num_rows == 1
    it.close()
    empty = seeds.ix.export("zzzunmatchedzzz")
    assert empty.num_rows == 0 and empty.schema.remove_metadata() == morgue.export_schema()


META_SEARCHES = [
    ("gun", {"meta": {"bias": ["left", "center"]}}, ["--meta", "bias=left", "--meta", "bias=center"]),
    ("gun", {"meta": ["bias=right"], "from_": "2018"}, ["--meta", "bias=right", "--from", "2018"]),
    ("gun OR polls", {"authors": "Ann Lee"}, ["--author", "Ann Lee"]),
    ("meta.topic:elections", {}, []),
    ("wire OR storm OR the", {"outlets": ["Left Post", "Right Herald"]}, ["--outlet", "Left Post", "--outlet", "Right Herald"]),
]


@pytest.mark.parametrize("query,kwargs,flags", META_SEARCHES)
def test_meta_filters_are_the_cli_filters(meta, query, kwargs, flags):
    assert untimed(meta.ix.search(query, **kwargs)) == meta.both("search", query, *flags)


def test_meta_lookups_and_export(meta):
    ix = meta.ix
    assert untimed(ix.facet("bias", as_frame=False)) == meta.both("facet", "bias")
    assert untimed(ix.facet("author", "gun", top=1, as_frame=False)) == meta.both("facet", "author", "gun", "--top", "1")
    f = ix.facet("bias")
    assert list(f.columns) == ["value", "articles", "first", "last", "undated"]
    t = ix.timeline("gun OR polls OR turnout", split_by="bias", as_frame=False)
    assert untimed(t) == meta.both("timeline", "gun OR polls OR turnout", "--split-by", "bias")
    table = ix.export("the", meta={"topic": "guns"})
    lines = cli_lines("export", "the", "--meta", "topic=guns", "--format", "jsonl", "--index", meta.cli_dir)
    assert [_jsonl_row(r) for r in table.to_pylist()] == lines
    assert any(r["meta"] for r in lines) and any(r["authors"] for r in lines)


def test_errors_raise_python_exceptions(seeds, tmp_path):
    with pytest.raises(morgue.QueryError) as e:
        seeds.ix.search("ISIS AND (Raqqa")
    assert isinstance(e.value, ValueError)
    assert "invalid query" in str(e.value) and e.value.column >= 1
    with pytest.raises(ValueError, match="--from"):
        seeds.ix.search("ISIS", from_="2016-13")
    with pytest.raises(ValueError, match="relevance"):
        seeds.ix.search("ISIS", sort="newest")
    with pytest.raises(ValueError, match="KEY=VALUE"):
        seeds.ix.outlets(meta=["bias"])
    with pytest.raises(ValueError, match="key"):
        seeds.ix.facet("no_such_key_anywhere")
    with pytest.raises(morgue.QueryError):
        seeds.ix.export("-ISIS")
    with pytest.raises(FileNotFoundError, match="no index"):
        morgue.Index(tmp_path / "nothing here")
    with pytest.warns(morgue.MorgueWarning, match="matches no article"):
        seeds.ix.search("ISIS", outlets="No Such Outlet Anywhere")


def test_threads_share_an_index(seeds):
    want = untimed(seeds.ix.search("ISIS"))
    got = []

    def work():
        got.append(untimed(seeds.ix.search("ISIS")))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 4


def test_an_open_index_sees_a_later_ingest(tmp_path):
    first = morgue.ingest(FIXTURES[0], index=tmp_path / "ix", batch=2)
    ix = morgue.Index(tmp_path / "ix")
    assert ix.stats()["articles"] == first["total_articles"]
    again = morgue.ingest([FIXTURES[1]], index=tmp_path / "ix", fields={"title": "title"})
    assert again["total_articles"] > first["total_articles"]
    assert ix.stats()["articles"] == again["total_articles"]
    with pytest.raises(ValueError, match="--field"):
        morgue.ingest([FIXTURES[1]], index=tmp_path / "ix", fields=["nonsense"])


def test_a_sharded_root_answers_as_one_index(seeds, tmp_path):
    root = tmp_path / "root"
    report = morgue.ingest([SEEDS], index=root, shards=2)
    assert report["sharded"]["shards"] == 2
    assert report["total_articles"] == seeds.report["total_articles"]
    assert (root / "shards.json").is_file()
    ix = morgue.Index(root)
    for query in ("ISIS", '"Der Spiegel"', "Syria OR Aleppo"):
        assert untimed(ix.search(query, limit=10, passages=2)) == untimed(
            seeds.ix.search(query, limit=10, passages=2)
        )
    assert untimed(ix.outlets(as_frame=False)) == untimed(seeds.ix.outlets(as_frame=False))
    assert untimed(ix.search("ISIS")) == untimed(cli("search", "ISIS", "--index", root, "--json"))

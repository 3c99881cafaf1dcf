"""morgue on Ray: shards ingested by Ray tasks and searched by Ray actors give one index's answers.

A local Ray cluster (``ray.init(num_cpus=2)``) runs the same code a real cluster runs. The
fixture corpus spreads over three shards: each record of the copies fixture in its own file (so
near-duplicates land in different shards and are joined after the ingest), the seeds, and a wire
story run by two outlets. Skipped when Ray is not installed, unless ``MORGUE_REQUIRE_RAY=1``
(CI sets it).
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil

import pytest

import morgue

if os.environ.get("MORGUE_REQUIRE_RAY") == "1":
    import ray
else:
    ray = pytest.importorskip("ray")

import morgue.ray  # noqa: E402  (after the skip: it needs Ray only when called)

ROOT = pathlib.Path(__file__).resolve().parents[2]

QUERIES = [
    ("Aleppo", {}),
    ("Senate border", {"all_copies": True}),
    ("ISIS OR Senate OR corridors", {"limit": 20, "passages": 2}),
    ("ISIS OR Senate OR corridors", {"limit": 3, "offset": 2}),
    ("ISIS OR Senate", {"from_": "2017-01", "sort": "date"}),
    ("ISIS OR Senate OR border", {"outlets": "Reuters", "sort": "-date"}),
    ("Senate OR ISIS OR Aleppo", {"entities": "Obama"}),
    ('entity:Syria "Islamic State"', {}),
    ("border -Senate", {}),
]


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    base = tmp_path_factory.mktemp("ray")
    src = base / "in"
    src.mkdir()
    feeds = (ROOT / "tests/fixtures/copies/feeds.jsonl").read_text(encoding="utf-8")
    for n, line in enumerate(feeds.splitlines()):
        (src / f"record-{n}.jsonl").write_text(line + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "seeds", src / "seeds")
    shutil.copytree(ROOT / "tests/fixtures/wire", src / "wire")
    return base


def untimed(doc):
    doc = dict(doc)
    doc.pop("took_ms", None)
    return doc


def close(a, b, path="$"):
    """Equal, floats to 1e-4."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-4), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_distributed_ingest_and_search_answer_as_one_index(cluster, sources):
    root = sources / "root"
    report = morgue.ray.ingest([sources / "in"], root, shards=3)
    single = morgue.ingest([sources / "in"], index=sources / "single")
    assert [r is not None for r in report["shards"]] == [True, True, True], report
    assert report["total_articles"] == single["total_articles"], report
    assert report["articles_indexed"] == single["articles_indexed"], report
    # The copies fixture's near-duplicates were read by different tasks: joined afterwards.
    assert report["clusters_joined"] >= 1, report
    listed = json.loads((root / "shards.json").read_text())
    assert len(listed["shards"]) == 3

    one = morgue.Index(sources / "single")
    for groups in ([[0], [1, 2]], [[2], [0], [1]]):
        searcher = morgue.ray.Searcher(root, groups=groups)
        for q, options in QUERIES:
            want = untimed(one.search(q, **options))
            got = untimed(searcher.search(q, **options))
            assert want["total"] > 0, q
            close(got, want, f"{groups} {q} {options}")
        for q, options in [(None, {}), ("ISIS OR Senate OR border", {"from_": 2016})]:
            close(untimed(searcher.outlets(q, as_frame=False, **options)),
                  untimed(one.outlets(q, as_frame=False, **options)))
            for key in ("outlet", "bias", "author"):
                close(untimed(searcher.facet(key, q, as_frame=False, **options)),
                      untimed(one.facet(key, q, as_frame=False, **options)))
        for split_by, normalize in ((None, False), ("outlet", True), ("bias", False)):
            args = dict(by="month", split_by=split_by, top=3, normalize=normalize)
            close(untimed(searcher.timeline("ISIS OR Senate", as_frame=False, **args)),
                  untimed(one.timeline("ISIS OR Senate", as_frame=False, **args)))
        for q, options in [(None, {}), ("ISIS OR Senate", {"type": "person"}),
                           (None, {"all_copies": True, "top": 50})]:
            want = untimed(one.entities(q, as_frame=False, **options))
            assert want["entities"], (q, options)
            close(untimed(searcher.entities(q, as_frame=False, **options)), want)
        df = searcher.outlets()
        assert list(df["outlet"]) == list(one.outlets()["outlet"])
        with pytest.raises(ValueError, match="no article has a value of `nothing`"):
            searcher.facet("nothing")
    # The root opened in one process answers the same.
    close(untimed(morgue.Index(root).search("Aleppo")), untimed(one.search("Aleppo")))

    # A re-run reads nothing: every source goes back to the shard whose ledger knows it.
    again = morgue.ray.ingest([sources / "in"], root)
    assert again["articles_indexed"] == 0, again
    assert all(r is None or r["files_read"] == 0 for r in again["shards"]), again
    assert again["total_articles"] == single["total_articles"], again


def test_one_big_dump_is_split_over_the_shards(cluster, tmp_path):
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        "".join(
            (ROOT / f).read_text(encoding="utf-8")
            for f in ("tests/fixtures/copies/feeds.jsonl", "tests/fixtures/meta/records.jsonl")
        ),
        encoding="utf-8",
    )
    size = dump.stat().st_size
    report = morgue.ray.ingest([dump], tmp_path / "root", shards=3, min_part_bytes=size // 4)
    single = morgue.ingest([dump], index=tmp_path / "single")
    # Three byte ranges, one per shard, each read by its own task.
    assert [r and r["files_read"] for r in report["shards"]] == [1, 1, 1], report
    assert report["total_articles"] == single["total_articles"], report
    one = morgue.Index(tmp_path / "single")
    searcher = morgue.ray.Searcher(tmp_path / "root", actors=3)
    for q in ("Aleppo OR Senate OR corridors", "the"):
        got, want = searcher.search(q, limit=50), one.search(q, limit=50)
        close(untimed(got), untimed(want))
        # Records are named by their line in the whole dump.
        assert all(":" in h["path"] and "#bytes" not in h["path"] for h in got["hits"])
    again = morgue.ray.ingest([dump], tmp_path / "root", min_part_bytes=size // 4)
    assert again["articles_indexed"] == 0, again


def test_a_bad_query_and_bad_groups_are_refused(cluster, sources):
    root = sources / "root-refusals"
    morgue.ray.ingest([sources / "in/seeds"], root, shards=2)
    with pytest.raises(ValueError, match="each of the root's 2 shards"):
        morgue.ray.Searcher(root, groups=[[0]])
    searcher = morgue.ray.Searcher(root, actors=2)
    assert searcher.groups == [[0], [1]]
    with pytest.raises(morgue.QueryError):
        searcher.search('"unclosed')
    with pytest.raises(FileNotFoundError):
        morgue.ray.Searcher(sources / "nowhere")

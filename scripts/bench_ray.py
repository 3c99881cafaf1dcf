#!/usr/bin/env python3
"""morgue on Ray against one process: ingest time and warm query latency (issue 16).

Needs the Python package, built in release mode, and Ray in the running interpreter
(`pip install "./python[ray]"`, or `maturin develop --release` in `python/`: a debug build of
the extension ingests several times slower).

    python3 scripts/bench_ray.py --sources /tmp/as_split --work /tmp/bench-ray --shards 4 \
        [--single /tmp/as1s] [--root /tmp/as4s] [--actors 2] [--reps 5] [--num-cpus 2]

Measures, in one run:
  - `morgue.ray.ingest(sources, WORK/ray-root, shards=N)` on a local Ray cluster (wall time; the
    tasks run `num_cpus` at a time), unless WORK/ray-root exists;
  - with --single/--root (indexes built beforehand, e.g. by `morgue ingest` and `morgue ingest
    --shards N`): warm latency of the query set (benches/queries.tsv) through `morgue.Index` on
    the single index, on the root (one process reading every shard), and through
    `morgue.ray.Searcher` on the Ray-built root and on --root, each query run `reps` times after
    one warm-up, median per query then p50/p99 over queries;
  - that every answer of the Searcher equals the one process's on the same root (totals, ids,
    scores to 1e-4), and how the Ray-built root's totals compare with the single index's;
  - lookups (outlets, timeline split by outlet, facet) through the Searcher and one process.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time

import morgue
import morgue.ray
import ray


def queries(path: str) -> list[tuple[str, dict]]:
    out = []
    with open(path, encoding="utf-8") as f:
        rows = [line for line in f if not line.startswith("#")]
    for r in csv.DictReader(rows, delimiter="\t"):
        opts: dict = {}
        if r["from"]:
            opts["from_"] = r["from"]
        if r["to"]:
            opts["to"] = r["to"]
        if r["outlet"]:
            opts["outlets"] = r["outlet"]
        if r["entity"]:
            opts["entities"] = r["entity"]
        out.append((r["query"], opts))
    return out


def timed(search, qs, reps):
    """Median wall ms per query (after one warm-up), and the last answers."""
    per, answers = [], []
    for q, opts in qs:
        search(q, **opts)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            a = search(q, **opts)
            times.append((time.perf_counter() - t) * 1000)
        per.append(statistics.median(times))
        answers.append(a)
    return per, answers


def summary(per):
    s = sorted(per)
    pick = lambda p: s[min(len(s) - 1, int(round(p * (len(s) - 1))))]  # noqa: E731
    return {"p50_ms": round(pick(0.5), 2), "p99_ms": round(pick(0.99), 2), "queries": len(s)}


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-4
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a if k != "took_ms")
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--single")
    ap.add_argument("--root")
    ap.add_argument("--actors", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--num-cpus", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--queries", default="benches/queries.tsv")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
    out: dict = {"shards": args.shards, "actors": args.actors, "num_cpus": args.num_cpus}
    root = os.path.join(args.work, "ray-root")
    if not os.path.exists(root):
        t = time.perf_counter()
        r = morgue.ray.ingest([args.sources], root, shards=args.shards)
        out["ray_ingest"] = {
            "wall_s": round(time.perf_counter() - t, 1),
            "articles_indexed": r["articles_indexed"],
            "total_articles": r["total_articles"],
            "duplicates": r["duplicates"],
            "clusters_joined": r["clusters_joined"],
            "reindexed": r["reindexed"],
            "furniture": r["furniture"],
            "per_shard_s": [s and s.get("elapsed") for s in r["shards"]],
        }
        print(json.dumps(out["ray_ingest"]), file=sys.stderr)
    qs = queries(args.queries)
    runs = {}
    t = time.perf_counter()
    ray_built = morgue.ray.Searcher(root, actors=args.actors)
    out["searcher_start_s"] = round(time.perf_counter() - t, 2)
    runs["ray searcher, ray-built root"], ray_answers = timed(ray_built.search, qs, args.reps)
    local = morgue.Index(root)
    runs["one process, ray-built root"], local_answers = timed(local.search, qs, args.reps)
    out["searcher_equals_one_process"] = all(
        same(a, b) for a, b in zip(ray_answers, local_answers)
    )
    if args.single:
        single = morgue.Index(args.single)
        runs["one process, single index"], single_answers = timed(single.search, qs, args.reps)
        out["totals_ray_built_vs_single"] = [
            (q, a["total"], b["total"])
            for (q, _), a, b in zip(qs, local_answers, single_answers)
            if a["total"] != b["total"]
        ]
    if args.root:
        s = morgue.ray.Searcher(args.root, actors=args.actors)
        runs["ray searcher, --root"], a1 = timed(s.search, qs, args.reps)
        runs["one process, --root"], a2 = timed(morgue.Index(args.root).search, qs, args.reps)
        out["searcher_equals_one_process_on_root"] = all(same(a, b) for a, b in zip(a1, a2))
    out["latency"] = {k: summary(v) for k, v in runs.items()}
    # Lookups: the Searcher against one process on the same root (median of reps, ms).
    lookups = {
        "outlets": lambda ix: ix.outlets(as_frame=False),
        "outlets Trump": lambda ix: ix.outlets("Trump", as_frame=False),
        "timeline Trump by month split by outlet": lambda ix: ix.timeline(
            "Trump", by="month", split_by="outlet", top=5, as_frame=False
        ),
        "facet bias impeachment": lambda ix: ix.facet("bias", "impeachment", as_frame=False),
        "entities --top 20": lambda ix: ix.entities(top=20, as_frame=False),
        "entities impeachment --type person": lambda ix: ix.entities(
            "impeachment", type="person", as_frame=False
        ),
    }
    out["lookups_ms"] = {}
    sides = [("ray searcher", ray_built), ("one process", local)]
    if args.single:
        sides.append(("single index", single))
    for name, f in lookups.items():
        row = {}
        for label, ix in sides:
            f(ix)
            times = []
            for _ in range(args.reps):
                t = time.perf_counter()
                answer = f(ix)
                times.append((time.perf_counter() - t) * 1000)
            row[label] = round(statistics.median(times), 1)
            row.setdefault("answers", []).append(answer)
        a, b = row.pop("answers")[:2]
        row["equal"] = same(a, b)
        out["lookups_ms"][name] = row
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

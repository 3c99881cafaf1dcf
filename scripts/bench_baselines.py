#!/usr/bin/env python3
"""Baselines for scripts/bench.sh: the same text indexed by raw tantivy (Python bindings, no
extraction) and by SQLite FTS5, and the same queries run on both and on ripgrep.

  bench_baselines.py CORPUS --queries FILE --work DIR [--reps N] [--warm N] [--rg PATH]
                     [--engines tantivy,fts5,rg]

CORPUS is a JSON-lines file (gzipped or not) with `title`, `text`, `outlet` and `date` fields,
as the AllSides dump. Prints one JSON object on stdout:

  read:    seconds to read and parse the corpus once (added to each engine's ingest time, as
           morgue's ingest includes reading), articles, text_bytes (UTF-8 bytes of title + text)
  tantivy: index_seconds, seconds (read + index + commit + merges), bytes on disk, queries
  fts5:    the same for SQLite FTS5 (porter tokenizer, one transaction)
  rg:      text dump bytes and queries (rg -i -w -F -c over one line per article, each run a
           process, so its time includes process start)

Every `queries` list follows the query set's order: per query {"ms": [timed runs]} or null when
the engine cannot express it (entity filters; several words and boolean queries for rg).

tantivy: title and body with `en_stem`, positions, stored; outlet (raw tokenizer, stored) and
date (indexed, stored, fast) for filters, applied as `+outlet:"…"` and `+date:[… TO …]`.
Queries return the top 10 by BM25 with the exact count, and load the 10 stored documents.
FTS5: `fts5(title, body, outlet UNINDEXED, date UNINDEXED, tokenize='porter unicode61')`;
queries select title and body of the top 10 `ORDER BY rank` with a WHERE on outlet and date.
"""

import argparse
import calendar
import datetime as dt
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2,4})$")


def parse_date(s):
    """A calendar date from the dump's date strings (YYYY-MM-DD…, M/D/YY), else None."""
    if not isinstance(s, str):
        return None
    m = ISO.match(s)
    try:
        if m:
            d = dt.date(int(m[1]), int(m[2]), int(m[3]))
        else:
            m = US.match(s.strip())
            if not m:
                return None
            y = int(m[3])
            y = y + 2000 if y < 100 else y
            d = dt.date(y, int(m[1]), int(m[2]))
    except ValueError:
        return None
    return d if 1900 <= d.year <= dt.date.today().year + 1 else None


def bound(s, end):
    """morgue's --from/--to value (YYYY, YYYY-MM, YYYY-MM-DD) as the first or last day."""
    if not s:
        return None
    parts = [int(p) for p in s.split("-")]
    y = parts[0]
    if len(parts) == 1:
        return dt.date(y, 12, 31) if end else dt.date(y, 1, 1)
    m = parts[1]
    if len(parts) == 2:
        return dt.date(y, m, calendar.monthrange(y, m)[1]) if end else dt.date(y, m, 1)
    return dt.date(y, m, parts[2])


def load_queries(path):
    names = ["kind", "query", "from", "to", "outlet", "entity", "tantivy", "fts5", "rg"]
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
                continue
            cells = (line.split("\t") + [""] * len(names))[: len(names)]
            out.append({k: (v.strip() or None) for k, v in zip(names, cells)})
    return out


def read_corpus(path, dump):
    """The articles as (title, text, outlet, date) tuples; writes one line per article to dump."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    docs, text_bytes = [], 0
    with opener(path, "rt", encoding="utf-8") as f, open(dump, "w", encoding="utf-8") as out:
        for line in f:
            try:
                r = json.loads(line)
            except ValueError:
                continue
            text = r.get("text") or ""
            if not text.strip():
                continue
            title = r.get("title") or ""
            docs.append((title, text, r.get("outlet") or "", parse_date(r.get("date"))))
            text_bytes += len(title.encode()) + len(text.encode())
            out.write(title.replace("\n", " ") + " " + " ".join(text.split()) + "\n")
    return docs, text_bytes


def timed(run, warm, reps):
    for _ in range(warm):
        run()
    ms = []
    for _ in range(reps):
        t = time.perf_counter_ns()
        run()
        ms.append((time.perf_counter_ns() - t) / 1e6)
    return ms


def dir_bytes(path):
    return sum(
        os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs
    )


def bench_tantivy(docs, queries, work, warm, reps):
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem", index_option="position")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem", index_option="position")
    sb.add_text_field("outlet", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    schema = sb.build()
    path = os.path.join(work, "tantivy")
    os.makedirs(path)
    index = tantivy.Index(schema, path=path)
    t = time.perf_counter()
    writer = index.writer(heap_size=256_000_000)
    for title, text, outlet, date in docs:
        d = tantivy.Document()
        d.add_text("title", title)
        d.add_text("body", text)
        d.add_text("outlet", outlet)
        if date:
            d.add_date("date", dt.datetime(date.year, date.month, date.day))
        writer.add_document(d)
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - t
    index.reload()
    searcher = index.searcher()
    results = []
    for q in queries:
        if q["tantivy"] in (None, "-") or q["entity"]:
            results.append(None)
            continue
        clauses = [f"+({q['tantivy']})"]
        if q["outlet"]:
            clauses.append('+outlet:"{}"'.format(q["outlet"].replace('"', '\\"')))
        lo, hi = bound(q["from"], False), bound(q["to"], True)
        if lo or hi:
            a = f"{lo.isoformat()}T00:00:00Z" if lo else "*"
            b = f"{hi.isoformat()}T23:59:59Z" if hi else "*"
            clauses.append(f"+date:[{a} TO {b}]")
        text = " ".join(clauses)

        def run(text=text):
            query = index.parse_query(text, ["title", "body"])
            res = searcher.search(query, 10, count=True)
            for _, addr in res.hits:
                searcher.doc(addr)
            return res.count

        results.append({"query": text, "total": run(), "ms": timed(run, warm, reps)})
    return {"index_seconds": seconds, "bytes": dir_bytes(path), "queries": results}


def bench_fts5(docs, queries, work, warm, reps):
    path = os.path.join(work, "fts5.db")
    t = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE a USING fts5(title, body, outlet UNINDEXED, date UNINDEXED,"
        " tokenize='porter unicode61')"
    )
    with db:
        db.executemany(
            "INSERT INTO a(title, body, outlet, date) VALUES (?, ?, ?, ?)",
            ((ti, te, o, d.isoformat() if d else None) for ti, te, o, d in docs),
        )
    db.close()
    seconds = time.perf_counter() - t
    size = os.path.getsize(path)
    db = sqlite3.connect(path)
    results = []
    for q in queries:
        if q["fts5"] in (None, "-") or q["entity"]:
            results.append(None)
            continue
        where, params = ["a MATCH ?"], [q["fts5"]]
        if q["outlet"]:
            where.append("outlet = ?")
            params.append(q["outlet"])
        lo, hi = bound(q["from"], False), bound(q["to"], True)
        if lo:
            where.append("date >= ?")
            params.append(lo.isoformat())
        if hi:
            where.append("date <= ?")
            params.append(hi.isoformat())
        sql = f"SELECT title, body FROM a WHERE {' AND '.join(where)} ORDER BY rank LIMIT 10"

        def run(sql=sql, params=params):
            return len(db.execute(sql, params).fetchall())

        run()
        results.append({"sql": sql, "ms": timed(run, warm, reps)})
    db.close()
    return {"index_seconds": seconds, "bytes": size, "queries": results}


def bench_rg(rg, dump, queries, warm, reps):
    results = []
    for q in queries:
        if not rg or q["rg"] in (None, "-") or q["kind"] not in ("single", "phrase"):
            results.append(None)
            continue
        cmd = [rg, "-i", "-w", "-F", "-c", "--", q["rg"], dump]

        def run(cmd=cmd):
            return subprocess.run(cmd, stdout=subprocess.PIPE, check=False).stdout

        total = int(run().strip() or 0)
        results.append({"total": total, "ms": timed(run, warm, reps)})
    return {"dump_bytes": os.path.getsize(dump), "queries": results}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("corpus")
    p.add_argument("--queries", required=True)
    p.add_argument("--work", required=True, help="folder for the indexes and the text dump")
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--warm", type=int, default=3)
    p.add_argument("--rg-reps", type=int, default=5)
    p.add_argument("--rg", default=None, help="ripgrep binary (none: rg is n/a)")
    p.add_argument("--engines", default="tantivy,fts5,rg")
    a = p.parse_args()
    engines = set(a.engines.split(","))
    os.makedirs(a.work, exist_ok=True)
    queries = load_queries(a.queries)
    dump = os.path.join(a.work, "text.txt")
    t = time.perf_counter()
    docs, text_bytes = read_corpus(a.corpus, dump)
    read_s = time.perf_counter() - t
    out = {"read": {"seconds": read_s, "articles": len(docs), "text_bytes": text_bytes}}
    for name, bench in (("tantivy", bench_tantivy), ("fts5", bench_fts5)):
        if name in engines:
            print(f"bench_baselines: {name}…", file=sys.stderr)
            r = bench(docs, queries, a.work, a.warm, a.reps)
            r["seconds"] = read_s + r["index_seconds"]
            out[name] = r
    if "rg" in engines:
        print("bench_baselines: rg…", file=sys.stderr)
        out["rg"] = bench_rg(a.rg, dump, queries, min(a.warm, 1), a.rg_reps)
        out["rg"]["binary"] = a.rg
    for name in ("tantivy",):
        shutil.rmtree(os.path.join(a.work, name), ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Renders the results of scripts/bench.sh as one Markdown table set.

  bench_report.py --corpus PATH --queries FILE DIR...
  bench_report.py --batch-summary BATCH.jsonl --queries FILE --warm N

Each DIR holds one corpus size's results (1x first): time.txt (`/usr/bin/time -f "%M %e %U %S"`
of the ingest), ingest.json (morgue's ingest report), index_bytes, queries.json (the
--batch-summary of `morgue search --batch --json` over the query set), e2e.tsv (kind, query,
median ms of `morgue search`), floor.tsv (optional: name, median ms of a process that does
nothing and of `morgue --version`), lookups.tsv (name, µs, peak RSS KB per lookup run),
baselines.json (scripts/bench_baselines.py). Ratios are morgue ÷ baseline: for times above 1
means morgue is slower; for MB/s above 1 means morgue is faster. With several DIRs, one table
gives every figure per size and its growth from the first size.

--batch-summary turns the JSON lines of `morgue search --batch` over WARM + REPS rounds of the
query set (one record per query per round, in the query set's order) into queries.json: per
query its kind, query, filters, total and the `took_ms` of every round after the first WARM.
"""

import argparse
import json
import os
import statistics

KINDS = ["single", "words", "phrase", "boolean", "date", "outlet", "entity"]
STAGES = ["read", "normalize", "dates", "metadata", "entities", "dedup", "passages", "index"]
MB = 1e6


def pct(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "n/a"


def load_queries(path):
    """The query set (benches/queries.tsv): kind, query and morgue's filters per query."""
    names = ["kind", "query", "from", "to", "outlet", "entity"]
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if not line.strip() or line.startswith("#") or cells[0] == "kind":
                continue
            cells = (cells + [""] * len(names))[: len(names)]
            out.append({k: (v.strip() or None) for k, v in zip(names, cells)})
    return out


def batch_summary(path, queries, warm):
    """queries.json from `morgue search --batch --json` lines (see the module docs)."""
    out = [dict(q, total=None, ms=[]) for q in queries]
    n = len(queries)
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            r = json.loads(line)
            q = out[i % n]
            if "error" in r or r.get("query") != q["query"]:
                raise SystemExit(f"bench_report.py: batch record {i + 1} is not {q['query']!r}: "
                                 f"{line[:300]}")
            if i // n >= warm:
                q["ms"].append(r["took_ms"])
                q["total"] = r["total"]
    rounds = len(out[0]["ms"]) if out else 0
    return {"reps": rounds, "warm": warm, "source": "morgue search --batch --json, took_ms",
            "queries": out}


def load(d):
    r = {}
    with open(os.path.join(d, "time.txt")) as f:
        rss, wall, user, sys_ = f.read().split()[-4:]
    r["rss_kb"], r["wall"], r["cpu"] = int(rss), float(wall), float(user) + float(sys_)
    with open(os.path.join(d, "ingest.json")) as f:
        r["ingest"] = json.load(f)
    with open(os.path.join(d, "index_bytes")) as f:
        r["index_bytes"] = int(f.read().split()[0])
    with open(os.path.join(d, "queries.json")) as f:
        r["queries"] = json.load(f)["queries"]
    with open(os.path.join(d, "baselines.json")) as f:
        r["bl"] = json.load(f)
    r["lookups"] = {}
    lk = os.path.join(d, "lookups.tsv")
    if os.path.exists(lk):
        with open(lk) as f:
            for line in f:
                name, us, kb = line.rstrip("\n").split("\t")
                runs = r["lookups"].setdefault(name, {"ms": [], "rss_kb": []})
                runs["ms"].append(int(us) / 1000)
                if kb.strip().isdigit():
                    runs["rss_kb"].append(int(kb))
    r["e2e"] = []
    with open(os.path.join(d, "e2e.tsv")) as f:
        for line in f:
            kind, q, ms = line.rstrip("\n").split("\t")
            r["e2e"].append((kind, q, float(ms)))
    r["floor"] = []
    fl = os.path.join(d, "floor.tsv")
    if os.path.exists(fl):
        with open(fl) as f:
            for line in f:
                name, ms = line.rstrip("\n").split("\t")
                r["floor"].append((name, float(ms)))
    return r


def samples(qs, keep):
    """Every timed run of the queries whose index is in keep."""
    return [ms for i, q in enumerate(qs) if i in keep for ms in q["ms"]]


def three(xs):
    return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f} / {pct(xs, 99):.2f}" if xs else "n/a"


def size_figures(r):
    """The figures of one size that the growth table compares."""
    tb = r["bl"]["read"]["text_bytes"]
    qs = r["queries"]
    ms = samples(qs, set(range(len(qs))))
    f = {
        "articles indexed": (r["ingest"]["articles_indexed"], "{:,.0f}"),
        "text, MB": (tb / MB, "{:.0f}"),
        "morgue ingest, s": (r["wall"], "{:.1f}"),
        "morgue ingest, MB/s": (tb / MB / r["wall"], "{:.2f}"),
        "morgue ingest peak RSS, MB": (r["rss_kb"] / 1024, "{:.0f}"),
        "index, MB": (r["index_bytes"] / MB, "{:.0f}"),
        "index ÷ text": (r["index_bytes"] / tb, "{:.2f}"),
        "morgue query p50, ms": (pct(ms, 50), "{:.2f}"),
        "morgue query p95, ms": (pct(ms, 95), "{:.2f}"),
        "morgue query p99, ms": (pct(ms, 99), "{:.2f}"),
    }
    t = r["bl"].get("tantivy")
    if t:
        f["tantivy-py ingest, MB/s"] = (tb / MB / t["seconds"], "{:.2f}")
        f["morgue ÷ tantivy-py ingest MB/s"] = (t["seconds"] / r["wall"], "{:.2f}×")
        tm = [x for q in t["queries"] if q for x in q["ms"]]
        f["tantivy-py query p50, ms"] = (pct(tm, 50), "{:.2f}")
        f["tantivy-py query p99, ms"] = (pct(tm, 99), "{:.2f}")
    for i, q in enumerate(qs):
        if q["kind"] == "single":
            f[f"`{q['query']}` (morgue), ms"] = (statistics.median(q["ms"]), "{:.2f}")
            if t and i < len(t["queries"]) and t["queries"][i]:
                f[f"`{q['query']}` (tantivy-py), ms"] = (
                    statistics.median(t["queries"][i]["ms"]), "{:.2f}")
            break
    if r["e2e"]:
        f["`morgue search` end to end, median ms"] = (
            statistics.median([ms for _, _, ms in r["e2e"]]), "{:.1f}")
    for name, lk in r["lookups"].items():
        f[f"`{name}`, ms"] = (statistics.median(lk["ms"]), "{:.0f}")
        f[f"`{name}` peak RSS, MB"] = (max(lk["rss_kb"] or [0]) / 1024, "{:.0f}")
    return f


def targets(w, dirs, runs):
    """Issue 14's targets, met or not, per size (1× first; growth targets against 1×)."""
    names = [os.path.basename(d).replace("x", "×") for d in dirs]
    w("### Targets (issue 14)")
    w("")
    w("| target | size | measured | met |")
    w("|---|---|---|---|")
    yes = lambda ok: "yes" if ok else "no"
    base = None
    for name, r in zip(names, runs):
        tb = r["bl"]["read"]["text_bytes"]
        t = r["bl"].get("tantivy")
        ms = samples(r["queries"], set(range(len(r["queries"]))))
        p50, p99 = pct(ms, 50), pct(ms, 99)
        tm = [x for q in (t or {}).get("queries", []) if q for x in q["ms"]]
        e2e = statistics.median([x for _, _, x in r["e2e"]]) if r["e2e"] else None
        lk = {k: (statistics.median(v["ms"]), max(v["rss_kb"] or [0]) / 1024)
              for k, v in r["lookups"].items()}
        cur = {"p50": p50, "tp50": pct(tm, 50) if tm else None, "lk": lk}
        if t:
            x = t["seconds"] / r["wall"]
            w(f"| ingest ≥ 0.45× raw tantivy's MB/s | {name} | {x:.2f}× | {yes(x >= 0.45)} |")
        x = r["index_bytes"] / tb
        w(f"| index ≤ 1.0× the text | {name} | {x:.2f}× | {yes(x <= 1.0)} |")
        if base is None:
            w(f"| query p50 ≤ 1 ms | {name} | {p50:.2f} ms | {yes(p50 <= 1)} |")
            w(f"| query p99 ≤ 10 ms | {name} | {p99:.2f} ms | {yes(p99 <= 10)} |")
        elif base["tp50"] and cur["tp50"]:
            g, tg = p50 / base["p50"], cur["tp50"] / base["tp50"]
            w(f"| query p50 growth ≤ tantivy-py's | {name} | {g:.2f}× vs {tg:.2f}× "
              f"| {yes(g <= tg)} |")
        if e2e is not None:
            cap = 8 if base is None else 12
            w(f"| `morgue search` end to end ≤ {cap} ms median | {name} | {e2e:.1f} ms "
              f"| {yes(e2e <= cap)} |")
        for k, (lms, mb) in lk.items():
            if base is None:
                w(f"| `{k}` ≤ 150 ms, ≤ 150 MB | {name} | {lms:.0f} ms, {mb:.0f} MB "
                  f"| {yes(lms <= 150 and mb <= 150)} |")
            elif k in base["lk"]:
                b = base["lk"][k][0]
                w(f"| `{k}` ≤ 4× its 1× time, ≤ 150 MB | {name} | {lms:.0f} ms "
                  f"({lms / b:.2f}×), {mb:.0f} MB | {yes(lms <= 4 * b and mb <= 150)} |")
        base = base or cur


def growth_table(w, dirs, runs):
    """One table: each figure per size, then its growth from the first size to each other."""
    names = [os.path.basename(d).replace("x", "×") for d in dirs]
    figs = [size_figures(r) for r in runs]
    w("### Scaling: every figure per size, and its growth from " + names[0])
    w("")
    w("| figure | " + " | ".join(names) + " | "
      + " | ".join(f"growth {names[0]} → {n}" for n in names[1:]) + " |")
    w("|---|" + "---|" * (2 * len(names) - 1))
    for key, (_, fmt) in figs[0].items():
        vals = [f.get(key, (None, fmt))[0] for f in figs]
        cells = [fmt.format(v) if v is not None else "n/a" for v in vals]
        base = vals[0]
        growth = [f"{v / base:.2f}×" if v is not None and base else "n/a" for v in vals[1:]]
        w(f"| {key} | " + " | ".join(cells) + " | " + " | ".join(growth) + " |")


def render(args, dirs):
    runs = [load(d) for d in dirs]
    one = runs[0]
    text_bytes = one["bl"]["read"]["text_bytes"]
    arts = one["ingest"]["articles_indexed"]
    out = []
    w = out.append
    w(f"Corpus: `{args.corpus}`: {one['ingest']['articles_read']:,} articles read, "
      f"{arts:,} indexed, {text_bytes / MB:.1f} MB of text (UTF-8 title + text). "
      "Ratios are morgue ÷ baseline (times: above 1× = morgue slower; MB/s: below 1× = morgue "
      "slower).")
    w("")
    # Ingest.
    m_mbs = text_bytes / MB / one["wall"]
    t, f = one["bl"].get("tantivy"), one["bl"].get("fts5")
    w("### Ingest (1×)")
    w("")
    w("| figure | morgue (full extraction) | tantivy-py (raw) | ratio | SQLite FTS5 | ratio |")
    w("|---|---|---|---|---|---|")

    def row(name, mv, tv, fv, fmt):
        cells = [fmt(mv)]
        for v in (tv, fv):
            cells += [fmt(v) if v is not None else "n/a", ratio(mv, v) if v else "n/a"]
        w(f"| {name} | " + " | ".join(cells) + " |")

    ts = t["seconds"] if t else None
    fs = f["seconds"] if f else None
    row("wall time, s", one["wall"], ts, fs, lambda v: f"{v:.1f}")
    row("MB/s of text", m_mbs, text_bytes / MB / ts if ts else None,
        text_bytes / MB / fs if fs else None, lambda v: f"{v:.2f}")
    row("articles/s", arts / one["wall"], one["bl"]["read"]["articles"] / ts if ts else None,
        one["bl"]["read"]["articles"] / fs if fs else None, lambda v: f"{v:,.0f}")
    row("index size, MB", one["index_bytes"] / MB, t["bytes"] / MB if t else None,
        f["bytes"] / MB if f else None, lambda v: f"{v:.1f}")
    row("index size ÷ text", one["index_bytes"] / text_bytes,
        t["bytes"] / text_bytes if t else None, f["bytes"] / text_bytes if f else None,
        lambda v: f"{v:.2f}")
    w(f"| peak RSS, MB | {one['rss_kb'] / 1024:.0f} | n/a | | n/a | |")
    w(f"| CPU (user+sys), s | {one['cpu']:.1f} | n/a | | n/a | |")
    w("")
    w(f"Baseline times include reading and parsing the dump once in Python "
      f"({one['bl']['read']['seconds']:.1f} s); tantivy-py indexing alone "
      f"{t['index_seconds']:.1f} s, FTS5 alone {f['index_seconds']:.1f} s." if t and f else "")
    w("")
    st = one["ingest"].get("stages", {})
    total = sum(st.get(s, 0) for s in STAGES) or 1
    w("### morgue ingest: time per stage (seconds summed over threads, wall clock)")
    w("")
    w("| " + " | ".join(STAGES) + " |")
    w("|" + "---|" * len(STAGES))
    w("| " + " | ".join(f"{st.get(s, 0):.1f} s ({100 * st.get(s, 0) / total:.0f}%)"
                        for s in STAGES) + " |")
    w("")
    # Queries.
    qs = one["queries"]
    engines = [("tantivy-py", t), ("FTS5", f), ("ripgrep", one["bl"].get("rg"))]
    w(f"### Query latency, warm, in process, ms: p50 / p95 / p99 "
      f"({len(qs)} queries × {len(qs[0]['ms'])} runs; ripgrep: a process per run)")
    w("")
    w("| queries | n | morgue | " + " | ".join(f"{n} | ratio p50" for n, _ in engines) + " |")
    w("|---|---|---|" + "---|---|" * len(engines))
    groups = [(k, {i for i, q in enumerate(qs) if q["kind"] == k}) for k in KINDS]
    groups.append(("all", set(range(len(qs)))))
    for name, keep in groups:
        if not keep:
            continue
        cells = [name, str(len(keep)), three(samples(qs, keep))]
        for _, e in engines:
            eq = (e or {}).get("queries") or []
            have = {i for i in keep if i < len(eq) and eq[i]}
            if not have:
                cells += ["n/a", ""]
                continue
            theirs = [ms for i in sorted(have) for ms in eq[i]["ms"]]
            ours = samples(qs, have)
            note = "" if have == keep else f" ({len(have)} q.)"
            cells += [three(theirs) + note, ratio(pct(ours, 50), pct(theirs, 50))]
        w("| " + " | ".join(cells) + " |")
    w("")
    w("Per query (morgue median ms, matching articles; tantivy-py, FTS5 medians):")
    w("")
    w("| kind | query | filters | morgue | articles | tantivy-py | FTS5 | ripgrep |")
    w("|---|---|---|---|---|---|---|---|")
    for i, q in enumerate(qs):
        filt = " ".join(f"--{k} {q[k]}" for k in ("from", "to", "outlet", "entity") if q[k])
        cells = [q["kind"], f"`{q['query']}`", filt, f"{statistics.median(q['ms']):.2f}",
                 str(q["total"])]
        for _, e in engines:
            eq = (e or {}).get("queries") or []
            cells.append(f"{statistics.median(eq[i]['ms']):.2f}"
                         if i < len(eq) and eq[i] else "n/a")
        w("| " + " | ".join(cells) + " |")
    w("")
    # End to end.
    rgq = (one["bl"].get("rg") or {}).get("queries") or []
    w(f"### `morgue search` end to end (process start to exit), median of runs, ms")
    w("")
    w("| kind | query | morgue search | ripgrep process | ratio | target ms (1×) |")
    w("|---|---|---|---|---|---|")
    for kind, q, ms in one["e2e"]:
        i = next((j for j, x in enumerate(qs) if x["kind"] == kind and x["query"] == q), None)
        r = statistics.median(rgq[i]["ms"]) if i is not None and i < len(rgq) and rgq[i] else None
        w(f"| {kind} | `{q}` | {ms:.1f} | {f'{r:.1f}' if r else 'n/a'} | "
          f"{ratio(ms, r)} | 8 ({ratio(ms, 8)}) |")
    e2e_med = statistics.median([ms for _, _, ms in one["e2e"]]) if one["e2e"] else None
    if e2e_med is not None:
        w(f"| all | {len(one['e2e'])} queries: median | {e2e_med:.1f} | | | 8 ({ratio(e2e_med, 8)}) |")
    w("")
    if one["floor"]:
        w("Starting a process on this machine, for scale (median of the same number of runs): "
          + "; ".join(f"`{name}` {ms:.2f} ms" for name, ms in one["floor"]) + ".")
        w("")
    if one["lookups"]:
        w(f"### Lookups end to end (process start to exit; median of runs), peak RSS")
        w("")
        w("| lookup | ms | peak RSS MB | target ≤ 150 ms, ≤ 150 MB |")
        w("|---|---|---|---|")
        for name, lk in one["lookups"].items():
            ms, mb = statistics.median(lk["ms"]), max(lk["rss_kb"] or [0]) / 1024
            w(f"| `{name}` | {ms:.0f} | {mb:.0f} | "
              f"{'yes' if ms <= 150 and mb <= 150 else 'no'} |")
        w("")
    targets(w, dirs, runs)
    if len(runs) > 1:
        w("")
        growth_table(w, dirs, runs)
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus")
    p.add_argument("--queries", required=True)
    p.add_argument("--batch-summary", metavar="BATCH_JSONL")
    p.add_argument("--warm", type=int, default=0)
    p.add_argument("dirs", nargs="*")
    a = p.parse_args()
    if a.batch_summary:
        print(json.dumps(batch_summary(a.batch_summary, load_queries(a.queries), a.warm)))
        return
    if not a.corpus or not a.dirs:
        p.error("give --corpus and the result folders (or --batch-summary)")
    print(render(a, a.dirs))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Renders the results of scripts/bench.sh as one Markdown table set.

  bench_report.py --corpus PATH --queries FILE DIR...

Each DIR holds one corpus size's results (1x first): time.txt (`/usr/bin/time -f "%M %e %U %S"`
of the ingest), ingest.json (morgue's ingest report), index_bytes, queries.json
(examples/query_latency), e2e.tsv (kind, query, median ms of `morgue search`), baselines.json
(scripts/bench_baselines.py). Ratios are morgue ÷ baseline: for times above 1 means morgue is
slower; for MB/s above 1 means morgue is faster.
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
    r["e2e"] = []
    with open(os.path.join(d, "e2e.tsv")) as f:
        for line in f:
            kind, q, ms = line.rstrip("\n").split("\t")
            r["e2e"].append((kind, q, float(ms)))
    return r


def samples(qs, keep):
    """Every timed run of the queries whose index is in keep."""
    return [ms for i, q in enumerate(qs) if i in keep for ms in q["ms"]]


def three(xs):
    return f"{pct(xs, 50):.2f} / {pct(xs, 95):.2f} / {pct(xs, 99):.2f}" if xs else "n/a"


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
    w("| kind | query | morgue search | ripgrep process | ratio | target |")
    w("|---|---|---|---|---|---|")
    for kind, q, ms in one["e2e"]:
        i = next((j for j, x in enumerate(qs) if x["kind"] == kind and x["query"] == q), None)
        r = statistics.median(rgq[i]["ms"]) if i is not None and i < len(rgq) and rgq[i] else None
        w(f"| {kind} | `{q}` | {ms:.1f} | {f'{r:.1f}' if r else 'n/a'} | "
          f"{ratio(ms, r)} | 50 ({ratio(ms, 50)}) |")
    e2e_med = statistics.median([ms for _, _, ms in one["e2e"]]) if one["e2e"] else None
    w("")
    # Targets.
    all_ms = samples(qs, set(range(len(qs))))
    t_mbs = text_bytes / MB / ts if ts else None
    w("### Targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")
    if t_mbs:
        w(f"| ingest ≥ ½ raw tantivy throughput | {m_mbs:.2f} vs {t_mbs:.2f} MB/s "
          f"({m_mbs / t_mbs:.2f}×) | {'yes' if m_mbs >= t_mbs / 2 else 'no'} |")
    p50, p99 = pct(all_ms, 50), pct(all_ms, 99)
    w(f"| warm query p50 < 1 ms | {p50:.2f} ms | {'yes' if p50 < 1 else 'no'} |")
    w(f"| warm query p99 < 20 ms | {p99:.2f} ms | {'yes' if p99 < 20 else 'no'} |")
    if e2e_med is not None:
        w(f"| `morgue search` end to end < 50 ms median | {e2e_med:.1f} ms (median of the "
          f"per-query medians) | {'yes' if e2e_med < 50 else 'no'} |")
    ratio_ix = one["index_bytes"] / text_bytes
    w(f"| index ≤ raw text | {one['index_bytes'] / MB:.1f} MB vs {text_bytes / MB:.1f} MB "
      f"({ratio_ix:.2f}×) | {'yes' if ratio_ix <= 1 else 'no'} |")
    if len(runs) > 1:
        w("")
        w("### Scaling (growth relative to 1× in parentheses)")
        w("")
        w("| size | articles | text MB | morgue ingest s | MB/s | peak RSS MB | index MB "
          "| morgue p50 / p95 / p99 ms | tantivy-py ingest s | tantivy-py p50 ms "
          "| FTS5 ingest s | FTS5 p50 ms |")
        w("|" + "---|" * 12)
        base = {}
        for d, r in zip(dirs, runs):
            tb = r["bl"]["read"]["text_bytes"]
            ms = samples(r["queries"], set(range(len(r["queries"]))))
            vals = {"s": r["wall"], "ix": r["index_bytes"], "p50": pct(ms, 50)}
            for name in ("tantivy", "fts5"):
                e = r["bl"].get(name)
                if e:
                    em = [x for q in e["queries"] if q for x in q["ms"]]
                    vals[name + "s"], vals[name + "p50"] = e["seconds"], pct(em, 50)
            base = base or vals
            g = lambda k, fmt: (f"{fmt(vals[k])} ({vals[k] / base[k]:.2f}×)"
                                if k in vals and base.get(k) else "n/a")
            w(f"| {os.path.basename(d)} | {r['ingest']['articles_indexed']:,} | {tb / MB:.0f} "
              f"| {g('s', lambda v: f'{v:.1f}')} | {tb / MB / r['wall']:.2f} "
              f"| {r['rss_kb'] / 1024:.0f} | {g('ix', lambda v: f'{v / MB:.0f}')} "
              f"| {three(ms)} ({vals['p50'] / base['p50']:.2f}×) "
              f"| {g('tantivys', lambda v: f'{v:.1f}')} | {g('tantivyp50', lambda v: f'{v:.3f}')} "
              f"| {g('fts5s', lambda v: f'{v:.1f}')} | {g('fts5p50', lambda v: f'{v:.3f}')} |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("dirs", nargs="+")
    a = p.parse_args()
    print(render(a, a.dirs))


if __name__ == "__main__":
    main()

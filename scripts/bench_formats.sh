#!/usr/bin/env bash
# Reproduces the figures of the formats issue (release build):
#   1. AllSides JSONL.gz ingest: wall time, MB/s of uncompressed text, articles/s, peak RSS
#      (/usr/bin/time -v), index size; then a re-run (the ledger must skip the unchanged file).
#   2. Date extraction accuracy on htmldate-dev (800 pages), with the misses by provenance.
#
#   scripts/bench_formats.sh [SHARED_CORPORA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
corpora=${1:-../shared/corpora}
allsides=$corpora/allsides/articles.jsonl.gz
htmldate=$corpora/htmldate-dev.tar.gz
[ -f "$allsides" ] || { echo "no corpus at $allsides" >&2; exit 2; }
cargo build --release -q
bin=target/release/morgue
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

text_bytes=$(gzip -dc "$allsides" | wc -c)
echo "== AllSides: $(stat -c %s "$allsides") bytes gzipped, $text_bytes bytes of JSON lines"
/usr/bin/time -v "$bin" ingest "$allsides" --index "$work/ix" --report "$work/report.json" \
  >/dev/null 2>"$work/time" || true
python3 - "$work/report.json" "$text_bytes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); mb = int(sys.argv[2]) / 1e6; s = r["elapsed"]
print(f"articles read {r['articles_read']}, indexed {r['articles_indexed']}, already present "
      f"{r['already_present']}, undated {r['undated']}, passages {r['passages']}, skipped "
      f"{len(r['skipped'])}, warnings {len(r['warnings'])}")
print(f"elapsed {s:.1f}s: {mb / s:.1f} MB/s of text, {r['articles_read'] / s:.0f} articles/s")
PY
grep -E "Maximum resident|Percent of CPU" "$work/time"
echo "index size: $(du -sb "$work/ix" | cut -f1) bytes"
"$bin" ingest "$allsides" --index "$work/ix" --json 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); print("re-run: unchanged %d, articles read %d, %.3fs" % (r["unchanged"], r["articles_read"], r["elapsed"]))'

if [ -f "$htmldate" ]; then
  echo "== htmldate-dev date accuracy"
  mkdir -p "$work/htmldate" && tar xzf "$htmldate" -C "$work/htmldate"
  "$bin" eval dates "$work/htmldate/eval_default.json" "$work/htmldate" --json >"$work/eval.json"
  python3 - "$work/eval.json" <<'PY'
import json, sys, collections
r = json.load(open(sys.argv[1]))
print(f"accuracy {r['accuracy']:.3f} ({r['correct']}/{r['total']}), dates where the gold has none: {r['invented']}")
c = collections.Counter((m["source"] or "none").split(" (over")[0] for m in r["misses"])
for src, n in c.most_common():
    print(f"  misses found by {src}: {n}")
PY
fi

#!/usr/bin/env bash
# Reproduces the foundation figures on the BBC corpus (2,225 plain-text articles, 5.1 MB):
# ingest time, articles/s, peak memory, index size and its parts, and end-to-end query times
# (median of N runs of the `morgue search` process, start to exit).
#
#   scripts/bench_bbc.sh [CORPUS_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/bbc}
runs=${2:-21}
[ -d "$corpus" ] || { echo "no corpus at $corpus" >&2; exit 2; }
cargo build --release -q
bin=target/release/morgue
ix=$(mktemp -d)/bbc
trap 'rm -rf "$(dirname "$ix")"' EXIT

echo "corpus: $corpus ($(du -sb "$corpus" | cut -f1) bytes)"
/usr/bin/time -f "peak_rss_kb %M wall_s %e" "$bin" ingest "$corpus" --index "$ix" --json >"$ix.report" 2>"$ix.time" || true
python3 - "$ix.report" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"articles indexed {r['articles_indexed']}, duplicates {r['already_present']}, passages {r['passages']}, "
      f"skipped {len(r['skipped'])}, transcoded {len(r['transcoded'])}, elapsed {r['elapsed']:.2f}s, "
      f"{r['articles_indexed']/max(r['elapsed'],1e-9):.0f} articles/s")
PY
tail -1 "$ix.time"
echo "index size: $(du -sb "$ix" | cut -f1) bytes"
for e in store idx pos term fast fieldnorm; do
  printf '  %-9s %9d\n' "$e" "$(cat "$ix"/*."$e" 2>/dev/null | wc -c)"
done

median_ms() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$bin" search "$@" --index "$ix" >/dev/null || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}
echo "query (end to end, median of $runs runs)"
for q in 'election' 'Blair Brown' '"prime minister"' 'Blair AND (election OR poll) -Iraq' 'film*'; do
  total=$("$bin" search "$q" --index "$ix" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
  printf '  %-40s %8s ms  %5s articles\n' "$q" "$(median_ms "$q")" "$total"
done

#!/usr/bin/env bash
# The end-to-end benchmark: morgue next to raw tantivy (Python bindings), SQLite FTS5 and
# ripgrep on the same corpus, in the same run, printed as one table (PERFORMANCE.md explains it).
#
#   scripts/bench.sh [CORPUS] [--scale]
#
# CORPUS: a JSON-lines dump with title/text/outlet/date fields, gzipped or not (default
# ../shared/corpora/allsides/articles.jsonl.gz). --scale also runs everything on 2x and 4x the
# corpus (copies with changed ids and " (copy N)" appended to title and text, so that morgue's
# content-hash ids differ): slow. Environment: RUNS (morgue search end-to-end runs per query,
# default 11), REPS (timed in-process runs per query, default 20), OUT (also write the table
# there). Measures:
#   - morgue ingest: wall time, MB/s of text, articles/s, peak RSS (/usr/bin/time), index size,
#     seconds per stage (the ingest report's `stages`);
#   - tantivy-py and FTS5 indexing the same text (scripts/bench_baselines.py, in a venv under
#     target/bench-venv): time, MB/s, size;
#   - warm in-process query latency over benches/queries.tsv (examples/query_latency.rs) and the
#     same queries on the baselines and, for words and phrases, ripgrep over the raw text;
#   - `morgue search` end to end (process start to exit), median of RUNS runs, for the first
#     query of each kind.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpora/allsides/articles.jsonl.gz
scale=false
for a in "$@"; do
  case "$a" in
    --scale) scale=true ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    -*) echo "bench.sh: unknown option $a" >&2; exit 2 ;;
    *) corpus=$a ;;
  esac
done
[ -f "$corpus" ] || { echo "bench.sh: no corpus at $corpus" >&2; exit 2; }
runs=${RUNS:-11}
reps=${REPS:-20}
queries=benches/queries.tsv
log() { echo "bench.sh: $*" >&2; }

log "building (release)"
cargo build --release --quiet --bin morgue --example query_latency
bin=target/release/morgue
qbin=target/release/examples/query_latency

venv=target/bench-venv
if ! "$venv/bin/python" -c 'import tantivy' 2>/dev/null; then
  log "installing tantivy (Python) into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'tantivy>=0.27,<0.28'
fi

rg=$(command -v rg || true)
if [ -z "$rg" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  log "installing ripgrep (apt-get)"
  apt-get install -y -qq ripgrep >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq ripgrep >/dev/null 2>&1; } || true
  rg=$(command -v rg || true)
fi
if [ -z "$rg" ] && [ -x target/tools/bin/rg ]; then rg=target/tools/bin/rg; fi
if [ -z "$rg" ]; then
  log "installing ripgrep (cargo install --root target/tools)"
  cargo install --quiet ripgrep --root target/tools >/dev/null 2>&1 && rg=target/tools/bin/rg || true
fi
[ -n "$rg" ] || log "no ripgrep: its column is n/a"

work=$(mktemp -d -p target bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# median_ms ARGS...: median wall time of RUNS `morgue search ARGS` processes, in ms.
median_ms() {
  for _ in $(seq "$runs"); do
    s=$(date +%s%N); "$bin" search "$@" >/dev/null </dev/null || true; e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

# level DIR CORPUS: every measurement on one corpus, results in DIR.
level() {
  local dir=$1 src=$2 ix=$1/index
  mkdir -p "$dir"
  log "$(basename "$dir"): morgue ingest of $src"
  /usr/bin/time -f "%M %e %U %S" -o "$dir/time.txt" \
    "$bin" ingest "$src" --index "$ix" --json >"$dir/ingest.json" 2>"$dir/ingest.err" || true
  du -sb "$ix" | cut -f1 >"$dir/index_bytes"
  log "$(basename "$dir"): morgue queries (warm, in process)"
  "$qbin" --index "$ix" --queries "$queries" --reps "$reps" >"$dir/queries.json"
  log "$(basename "$dir"): morgue search end to end ($runs runs per query)"
  : >"$dir/e2e.tsv"
  local seen=" "
  # Cells separated by \x1f: with tabs as IFS, `read` would merge empty cells.
  while IFS=$'\x1f' read -r kind q from to outlet entity _; do
    case "$kind" in ''|'#'*|kind) continue ;; esac
    case "$seen" in *" $kind "*) continue ;; esac
    seen="$seen$kind "
    local args=("$q" --index "$ix")
    [ -n "$from" ] && args+=(--from "$from")
    [ -n "$to" ] && args+=(--to "$to")
    [ -n "$outlet" ] && args+=(--outlet "$outlet")
    [ -n "$entity" ] && args+=(--entity "$entity")
    printf '%s\t%s\t%s\n' "$kind" "$q" "$(median_ms "${args[@]}")" >>"$dir/e2e.tsv"
  done < <(sed 's/\t/\x1f/g' "$queries")
  log "$(basename "$dir"): baselines (tantivy-py, FTS5, ripgrep)"
  "$venv/bin/python" scripts/bench_baselines.py "$src" --queries "$queries" --work "$dir/baselines" \
    --reps "$reps" ${rg:+--rg "$rg"} >"$dir/baselines.json"
  rm -rf "$dir/baselines" "$ix"
}

level "$work/1x" "$corpus"
dirs=("$work/1x")
if $scale; then
  for n in 2 4; do
    log "writing the ${n}x corpus"
    python3 - "$corpus" "$work/corpus${n}x.jsonl.gz" "$n" <<'PY'
import gzip, json, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
opener = gzip.open if open(src, "rb").read(2) == b"\x1f\x8b" else open
with gzip.open(dst, "wt", encoding="utf-8", compresslevel=1) as out:
    for copy in range(1, n + 1):
        with opener(src, "rt", encoding="utf-8") as f:
            for line in f:
                if copy > 1:
                    r = json.loads(line)
                    r["id"] = f"{r.get('id')}-copy{copy}"
                    for k in ("title", "text"):
                        if isinstance(r.get(k), str):
                            r[k] += f" (copy {copy})"
                    line = json.dumps(r) + "\n"
                out.write(line)
PY
    level "$work/${n}x" "$work/corpus${n}x.jsonl.gz"
    rm -f "$work/corpus${n}x.jsonl.gz"
    dirs+=("$work/${n}x")
  done
fi
table=$(python3 scripts/bench_report.py --corpus "$corpus" --queries "$queries" "${dirs[@]}")
echo "$table"
if [ -n "${OUT:-}" ]; then echo "$table" >"$OUT"; fi

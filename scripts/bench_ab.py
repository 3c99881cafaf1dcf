#!/usr/bin/env python3
"""End-to-end A/B of two morgue binaries (each on its own index folder): the same commands,
run alternately so that a noisy machine affects both alike; prints median ms per command.

    scripts/bench_ab.py OLD_BINARY OLD_INDEX NEW_BINARY NEW_INDEX [--runs N]
    scripts/bench_ab.py OLD_BINARY OLD_INDEX NEW_BINARY NEW_INDEX --query-set benches/queries.tsv

With --query-set, the commands are `morgue search QUERY` with each query's filters (`--from`,
`--to`, `--outlet`, `--entity`) for every query of the file, and the figure is the median over
the queries of each query's median (issue 14's end-to-end target), with the slowest queries.

The index folders may be the same one. One untimed run of each command first (which also
lets a binary leave its caches, e.g. `articles.bin`, in the folder).
"""
import argparse
import csv
import statistics
import subprocess
import time

COMMANDS = [
    ["search", "Trump"],
    ["search", "Kavanaugh AND Ford"],
    ["search", '"health care"'],
    ["search", "Trump", "--outlet", "Fox News"],
    ["stats"],
    ["outlets"],
    ["timeline", "Trump"],
]


def timed(binary, index, command):
    start = time.perf_counter()
    subprocess.run([binary, "--index", index] + command,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return (time.perf_counter() - start) * 1000


def query_set(path):
    """`search` commands for the queries of a benches/queries.tsv file, with their filters."""
    with open(path, encoding="utf-8") as f:
        rows = [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]
    header, commands = rows[0], []
    for row in rows[1:]:
        q = dict(zip(header, row))
        command = ["search", q["query"]]
        for k in ("from", "to", "outlet", "entity"):
            if q.get(k):
                command += ["--" + k, q[k]]
        commands.append(command)
    return commands


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old_binary")
    p.add_argument("old_index")
    p.add_argument("new_binary")
    p.add_argument("new_index")
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--query-set", help="a benches/queries.tsv file: time its searches")
    a = p.parse_args()
    sides = [(a.old_binary, a.old_index), (a.new_binary, a.new_index)]
    commands = query_set(a.query_set) if a.query_set else COMMANDS
    medians = [[], []]
    print(f"{'command':36} {'old ms':>8} {'new ms':>8} {'new/old':>8}")
    for command in commands:
        for binary, index in sides:
            timed(binary, index, command)
        times = [[], []]
        for _ in range(a.runs):
            for side, (binary, index) in enumerate(sides):
                times[side].append(timed(binary, index, command))
        old, new = (statistics.median(t) for t in times)
        medians[0].append(old)
        medians[1].append(new)
        print(f"{' '.join(command):36} {old:8.1f} {new:8.1f} {new / old:8.2f}")
    if a.query_set:
        old, new = (statistics.median(m) for m in medians)
        print(f"{'median over the queries':36} {old:8.1f} {new:8.1f} {new / old:8.2f}")


if __name__ == "__main__":
    main()

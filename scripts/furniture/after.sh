#!/usr/bin/env bash
# The AllSides furniture measurements (notes/furniture.md): share of impeachment articles per outlet
# before (/tmp/f_all_before.json, /tmp/f_imp_before.json from the main binary) and after, and the
# 20 most frequent items. MORGUE=binary INDEX=index bash scripts/furniture/after.sh
set -x
F=${MORGUE:-target/release/morgue}; I=${INDEX:-/tmp/as_furn}
$F outlets --index $I --json > /tmp/f_all_after.json
$F outlets impeachment --index $I --json > /tmp/f_imp_after.json
$F search Benghazi --index $I --limit 3 > /tmp/f_beng_after.txt
$F furniture --index $I --json --limit 100 > /tmp/f_listing.json
$F furniture --index $I --limit 5 > /tmp/f_listing.txt
python3 - <<'PY'
import json
def load(p): return {o['outlet']:o['articles'] for o in json.load(open(p))['outlets']}
ab,ib,aa,ia=load('/tmp/f_all_before.json'),load('/tmp/f_imp_before.json'),load('/tmp/f_all_after.json'),load('/tmp/f_imp_after.json')
rows=sorted(((ib.get(o,0)/ab[o],o) for o in ab if ab[o]>=300),reverse=True)
print("| outlet | articles | impeachment before | share before | after | share after |")
print("|---|---:|---:|---:|---:|---:|")
for s,o in rows[:20]:
    print(f"| {o} | {ab[o]} | {ib.get(o,0)} | {s:.3f} | {ia.get(o,0)} | {ia.get(o,0)/aa.get(o,1):.3f} |")
l=json.load(open('/tmp/f_listing.json'))
items=sorted(((i['articles'],o['outlet'],i['kind'],i['text']) for o in l['outlets'] for i in o['items']),reverse=True)
print("\ntop 20 items")
for a,o,k,t in items[:20]: print(f"| {a} | {o} | {k} | {t[:150]} |")
print("outlets with furniture", len(l['outlets']), "articles with furniture", sum(o['with_furniture'] for o in l['outlets']))
PY

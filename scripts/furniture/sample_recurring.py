# Samples lines that recur in >= 3 different articles of one outlet (AllSides), with one article
# each (file line number), for the recall check: python3 f_recall.py N SEED
import json,gzip,collections,re,random,sys
N=int(sys.argv[1]); seed=int(sys.argv[2])
arts=[json.loads(l) for l in gzip.open('/work/shared/corpora/allsides/articles.jsonl.gz','rt')]
def key(line):
    t=[re.sub(r'\d','0',w.lower()).strip('.,;:!?"\'“”‘’()[]|…-—–*') for w in line.split()]
    return ' '.join(w for w in t if w)
where=collections.defaultdict(list)
for i,a in enumerate(arts):
    seen=set()
    for line in a['text'].split('\n'):
        k=key(line)
        if not k or k in seen: continue
        seen.add(k)
        where[(a['outlet'],k)].append((i+1,line.strip()))
rec=[(o,k,v) for (o,k),v in where.items() if len(v)>=3]
print(len(rec),"recurring (outlet,line) pairs", file=sys.stderr)
random.seed(seed)
for o,k,v in random.sample(rec,N):
    ln,line=random.choice(v)
    print(json.dumps({"outlet":o,"n":len(v),"line_no":ln,"line":line}))

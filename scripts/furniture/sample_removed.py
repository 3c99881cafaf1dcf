# Samples removed furniture from `morgue furniture --json` output: N distinct items uniformly,
# and N occurrences weighted by the articles they were removed from.
import json,random,sys
l=json.load(open(sys.argv[1])); N=int(sys.argv[2]); random.seed(int(sys.argv[3]))
items=[(o['outlet'],i['kind'],i['articles'],i['text']) for o in l['outlets'] for i in o['items']]
print("distinct listed items:",len(items))
print("== uniform over distinct items")
for it in random.sample(items,N): print(it[0],'|',it[1],'|',it[2],'|',it[3][:260])
print("== weighted by articles")
for it in random.choices(items,weights=[i[2] for i in items],k=N): print(it[0],'|',it[1],'|',it[2],'|',it[3][:260])

# For each line sampled by sample_recurring.py (stdin), says whether the index removed it as
# furniture (REMOVED) or kept it (kept): python3 check_recurring.py MORGUE INDEX < sample.jsonl
import json, subprocess, sys

morgue, index = sys.argv[1], sys.argv[2]
for l in sys.stdin:
    r = json.loads(l)
    path = f"/work/shared/corpora/allsides/articles.jsonl.gz:{r['line_no']}"
    line = (r['line'].replace('\u2019', "'").replace('\u2018', "'")
            .replace('\u201c', '"').replace('\u201d', '"').replace('\u00a0', ' '))
    out = subprocess.run([morgue, 'show', '--json', '--index', index, path],
                         capture_output=True, text=True).stdout
    j = json.loads(out)
    t = j['text']
    spans = [t[s['start']:s['end']] for s in j['furniture']]
    removed = any(line[:60] in s or (s in line and len(s) > len(line) / 2) for s in spans)
    state = "REMOVED" if removed else ("kept" if line[:60] in t else "gone")
    print(state, '|', r['outlet'], '|', r['n'], '|', line[:150])

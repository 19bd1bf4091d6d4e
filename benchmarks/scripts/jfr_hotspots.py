#!/usr/bin/env python3
"""Top hotspots of a JFR recording, from `jfr print --stack-depth 64 --events jdk.ExecutionSample`.

Usage:
  jfr print --stack-depth 64 --events jdk.ExecutionSample rec.jfr > samples.txt
  python3 benchmarks/scripts/jfr_hotspots.py samples.txt [filter]

Prints self time by top frame, self time attributed to the first io.vmledger frame (so TreeMap
internals are charged to the table call that made them), and inclusive time per method.
With a filter (e.g. 'FoldBenchmark.foldMix'), only samples whose stack contains it are counted,
which leaves set-up code out.
"""
import collections
import re
import sys

text = open(sys.argv[1]).read()
only = sys.argv[2] if len(sys.argv) > 2 else None
selfc, first, incl = collections.Counter(), collections.Counter(), collections.Counter()
n = 0
for ev in text.split('jdk.ExecutionSample')[1:]:
    frames = [f.split('(')[0] for f in re.findall(r'^\s+([\w$.<>]+\(.*?\))\s+line:', ev, re.M)]
    if not frames or (only and not any(only in f for f in frames)):
        continue
    n += 1
    selfc[frames[0]] += 1
    first[next((f for f in frames if 'io.vmledger.core' in f), frames[0])] += 1
    for f in set(frames):
        incl[f] += 1
if n == 0:
    sys.exit('no samples')
print(f'samples: {n}')
for title, counter, k in (('self (top frame)', selfc, 15),
                          ('self, charged to the first io.vmledger.core frame', first, 15),
                          ('inclusive (io.vmledger.core only)', incl, 30)):
    print(f'\n{title}:')
    rows = [(f, c) for f, c in counter.most_common() if 'inclusive' not in title or 'io.vmledger.core' in f]
    for f, c in rows[:k]:
        print(f'  {100.0 * c / n:5.1f}%  {f}')

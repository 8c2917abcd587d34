"""Reference for examples/wc: lines, words, bytes of each file, then a total
when there are several files."""
import sys

total = [0, 0, 0]
for name in sys.argv[1:]:
    data = open(name, "rb").read()
    counts = [data.count(b"\n"), len(data.split()), len(data)]
    total = [t + c for t, c in zip(total, counts)]
    print(*counts, name)
if len(sys.argv) > 2:
    print(*total, "total")

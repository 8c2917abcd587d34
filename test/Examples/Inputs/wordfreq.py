# Reference for examples/wordfreq: the same definition of a word (a maximal
# run of ASCII letters and digits and of bytes >= 0x80, so UTF-8 words stay
# whole), ASCII letters lowered, ranked by count (descending) then by bytes.
import re
import sys

top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
with open(sys.argv[1], "rb") as f:
    data = f.read()
words = [w.lower() for w in re.findall(rb"[A-Za-z0-9\x80-\xff]+", data)]
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
out = sys.stdout.buffer
for w, c in ranked[:top]:
    out.write(b"%d %s\n" % (c, w))
out.write(b"%d words, %d distinct\n" % (len(words), len(counts)))

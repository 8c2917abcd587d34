# For examples/bpe: `train TEXT N MERGES` learns N byte-level BPE merges
# from TEXT (each step merges the most frequent adjacent pair, ties to the
# smallest pair) and writes them as `a b` lines; `encode MERGES TEXT` prints
# what examples/bpe prints for TEXT, computed independently.
import sys


def merge(ids, a, b, new):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
            out.append(new)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def train(text_path, n, out_path):
    ids = list(open(text_path, "rb").read())
    merges = []
    for k in range(n):
        counts = {}
        for p in zip(ids, ids[1:]):
            counts[p] = counts.get(p, 0) + 1
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        ids = merge(ids, best[0], best[1], 256 + k)
    with open(out_path, "w") as f:
        for a, b in merges:
            f.write("%d %d\n" % (a, b))


def encode(merges_path, text_path):
    ranks = {}
    vocab = [bytes([b]) for b in range(256)]
    for line in open(merges_path).read().split("\n"):
        if line:
            a, b = map(int, line.split())
            ranks[(a, b)] = len(vocab) - 256
            vocab.append(vocab[a] + vocab[b])
    text = open(text_path, "rb").read()
    ids = list(text)
    while len(ids) >= 2:
        found = [ranks[p] for p in zip(ids, ids[1:]) if p in ranks]
        if not found:
            break
        r = min(found)
        a, b = [p for p, k in ranks.items() if k == r][0]
        ids = merge(ids, a, b, 256 + r)
    print("%d bytes, %d tokens" % (len(text), len(ids)))
    for i in range(0, len(ids), 16):
        print(" ".join(map(str, ids[i:i + 16])))
    print("round trip: %s" % ("true" if b"".join(vocab[t] for t in ids) == text else "false"))


if sys.argv[1] == "train":
    train(sys.argv[2], int(sys.argv[3]), sys.argv[4])
else:
    encode(sys.argv[2], sys.argv[3])

# For examples/csv: `gen PATH ROWS COLS SEED` writes a CSV of labelled rows
# of random numbers (in several notations); `check CSV OUT` recomputes each
# row's mean, maximum and norm in f64 from the f32 values and compares them
# with the program's output (relative tolerance 1e-5: the kernel sums in f32).
import math
import random
import struct
import sys


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def gen(path, rows, cols, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write("label," + ",".join("c%d" % j for j in range(cols)) + "\n")
        for i in range(rows):
            vals = []
            for j in range(cols):
                v = rng.uniform(-100, 100)
                form = rng.randrange(3)
                vals.append("%.6g" % v if form == 0 else "%.3e" % v if form == 1 else " %d " % round(v))
            f.write("row%d,%s\n" % (i, ",".join(vals)))


def check(csv_path, out_path):
    lines = [l for l in open(csv_path).read().split("\n") if l.strip()]
    rows = [l.split(",") for l in lines[1:]]
    out = [l.split() for l in open(out_path).read().split("\n") if l.strip()]
    if len(out) != len(rows):
        sys.exit("%d output lines for %d rows" % (len(out), len(rows)))
    for fields, got in zip(rows, out):
        xs = [f32(float(v)) for v in fields[1:]]
        want = [sum(xs) / len(xs), max(xs), math.sqrt(sum(x * x for x in xs))]
        if got[0] != fields[0].strip():
            sys.exit("label %s != %s" % (got[0], fields[0]))
        for w, g in zip(want, map(float, got[1:])):
            if abs(w - g) > 1e-5 * max(1.0, abs(w)):
                sys.exit("row %s: %r != %r" % (fields[0], g, w))
    print("checked %d rows" % len(rows))


if sys.argv[1] == "gen":
    gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
else:
    check(sys.argv[2], sys.argv[3])

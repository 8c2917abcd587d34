#!/usr/bin/env python3
"""Checks the output of math-functions.nl against mpmath at 50 digits.

Each line `NAME BITS x [y] result` is recomputed; the error is measured in
ulps of the exact result in the format of BITS (64: f64, 32: f32), and each
function's largest error must stay within its bound: 1 ulp, or what the
arguments after the file say (`default=ULPS`, `NAMEBITS=ULPS` as `pow32=2`). Prints one line per
function and format, `NAME BITS ok` or `NAME BITS FAILED: ...`, and exits
with 1 on any failure. Lines that match no function are skipped.
"""
import math
import struct
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 50

UNARY = ["sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh",
         "exp", "exp2", "log", "log2", "log10", "erf", "cbrt", "floor",
         "ceil", "round", "trunc"]


def cbrt(x):
    return -mpmath.cbrt(-x) if x < 0 else mpmath.cbrt(x)


def round_away(x):
    f = mpmath.floor(abs(x) + mpf("0.5"))
    return -f if x < 0 else f


REF = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
    "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh,
    "exp": mpmath.exp, "exp2": lambda x: mpmath.power(2, x),
    "log": mpmath.log, "log2": lambda x: mpmath.log(x, 2),
    "log10": mpmath.log10, "erf": mpmath.erf, "cbrt": cbrt,
    "floor": mpmath.floor, "ceil": mpmath.ceil, "round": round_away,
    "trunc": lambda x: mpmath.floor(x) if x >= 0 else mpmath.ceil(x),
    "pow": mpmath.power, "atan2": mpmath.atan2,
}

# (significand bits, minimum exponent, largest finite value)
FORMATS = {
    "64": (53, -1022, mpf(sys.float_info.max)),
    "32": (24, -126, mpf(struct.unpack("f", b"\xff\xff\x7f\x7f")[0])),
}


def parse(text, bits):
    v = float(text)
    if bits == "32":
        v = struct.unpack("f", struct.pack("f", v))[0]
    return v


def ulps(result, exact, bits):
    """|result - exact| in ulps of exact in the format `bits`."""
    p, emin, top = FORMATS[bits]
    if math.isnan(result):
        return math.inf
    if abs(exact) > top:
        # Rounds to inf once past the largest finite value by half an ulp.
        if math.isinf(result) and (result > 0) == (exact > 0):
            return 0.0
        exact = top if exact > 0 else -top
    if math.isinf(result):
        return math.inf
    e = max(int(mpmath.floor(mpmath.log(abs(exact), 2))), emin) if exact else emin
    ulp = mpmath.ldexp(mpf(1), e - (p - 1))
    return float(abs(mpf(result) - exact) / ulp)


def main():
    bounds = {}
    for arg in sys.argv[2:]:
        name, _, value = arg.partition("=")
        bounds[name] = float(value)
    worst = {}
    for line in open(sys.argv[1]):
        parts = line.split()
        if len(parts) < 4 or parts[1] not in FORMATS:
            continue
        name = parts[0]
        if name.startswith("u") and name[1:].isdigit():
            name = UNARY[int(name[1:])]
        if name not in REF:
            continue
        bits = parts[1]
        args = [parse(t, bits) for t in parts[2:-1]]
        result = parse(parts[-1], bits)
        exact = REF[name](*[mpf(a) for a in args])
        err = ulps(result, exact, bits)
        key = (name, bits)
        if key not in worst or err > worst[key][0]:
            worst[key] = (err, args, result)
    failed = False
    for (name, bits), (err, args, result) in sorted(worst.items()):
        bound = bounds.get(name + bits, bounds.get("default", 1.0))
        if err <= bound:
            print(f"{name} {bits} ok")
        else:
            failed = True
            print(f"{name} {bits} FAILED: {err:.3f} ulps > {bound} "
                  f"at {args} -> {result!r}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""Writes a program whose structs or constants form one long chain.

Usage: gen_definitions.py structs|consts N
S0 contains S1, which contains S2 ... (C0 = C1 + 1, C1 = C2 + 1 ...).
Used by definition-too-deep.test.
"""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
if kind == "structs":
    for i in range(n):
        print(f"struct S{i} {{ next: S{i + 1} }}")
    print(f"struct S{n} {{ x: i32 }}")
    print("fn main() {}")
else:
    for i in range(n):
        print(f"const C{i} = C{i + 1} + 1;")
    print(f"const C{n} = 1;")
    print("fn main() { println(C0); }")

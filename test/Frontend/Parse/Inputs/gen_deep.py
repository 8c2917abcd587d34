"""Writes a Neuro-Lang program with one deeply nested or very long construct.

Usage: gen_deep.py KIND N
Used by nesting-limits.test and expression-too-long.test, which check that
the parser reports such input instead of overflowing the stack.
"""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
body = {
    # Nesting (recursion in the parser).
    "parens": "let x = " + "(" * n + "1" + ")" * n + ";",
    "blocks": "{" * n + "}" * n,
    "unary": "let x = " + "-" * n + "1;",
    "ifs": "if true { " * n + "}" * n,
    "arrays": "let x = " + "[" * n + "1" + "]" * n + ";",
    "array-types": "let x: " + "[" * n + "i32" + "; 1]" * n + " = 1;",
    "calls": "let x = " + "f(" * n + "1" + ")" * n + ";",
    # Long left-nested chains (no recursion in the parser, but later stages
    # walk them recursively).
    "binary": "let x = 1" + " + 1" * n + ";",
    "casts": "let x = 1" + " as i64" * n + ";",
    "fields": "let x = a" + ".b" * n + ";",
    "indexes": "let x = a" + "[0]" * n + ";",
    "method-calls": "let x = a" + ".f()" * n + ";",
}.get(kind)
if kind == "nested-chains":
    # N parenthesized chains of 900 additions inside one another: each
    # chain and the nesting are within their limits, the whole tree is not.
    e = "1"
    for _ in range(n):
        e = "(" + e + " + 1" * 900 + ")"
    body = "let x = " + e + ";"
print("fn main() {")
print("  " + body)
print("}")

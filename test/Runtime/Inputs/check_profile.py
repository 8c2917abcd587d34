"""Checks the profile table of `nlc --profile` and prints its stable part.

Reads a program's output (stdin), finds the table (lines starting with
"profile: ", which must be contiguous and come last) and checks its exact
layout: the header, then one row per function with the name left-aligned in
30 columns and calls, avg cycles and total cycles right-aligned in 12, 14 and
16 columns; avg = total // calls (0 without calls); rows sorted by total
cycles, largest first, ties by name. Cycle counts vary from run to run, so it
prints only "NAME CALLS" per row, sorted by name, for FileCheck. Exits with
status 1 and a message on the first violation.
"""

import sys

PREFIX = "profile: "
HEADER = PREFIX + "function".ljust(30) + "calls".rjust(12) + \
    "avg cycles".rjust(14) + "total cycles".rjust(16)


def fail(msg):
    print("check_profile: " + msg)
    sys.exit(1)


lines = sys.stdin.read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
first = next((i for i, l in enumerate(lines) if l.startswith(PREFIX)), None)
if first is None:
    fail("no profile table")
table = lines[first:]
if any(not l.startswith(PREFIX) for l in table):
    fail("the table is not the end of the output")
if table[0] != HEADER:
    fail("bad header: %r" % table[0])
rows = []
for line in table[1:]:
    fields = line[len(PREFIX):].split()
    if len(fields) != 4 or not all(f.isdigit() for f in fields[1:]):
        fail("bad row: %r" % line)
    name, calls, avg, total = fields[0], int(fields[1]), int(fields[2]), \
        int(fields[3])
    expected = PREFIX + (name.ljust(30) if len(name) < 30 else name + " ") + \
        fields[1].rjust(12) + fields[2].rjust(14) + fields[3].rjust(16)
    if line != expected:
        fail("bad layout: %r" % line)
    if avg != (total // calls if calls else 0) or (calls == 0 and total != 0):
        fail("avg is not total / calls: %r" % line)
    rows.append((name, calls, total))
for a, b in zip(rows, rows[1:]):
    if (-a[2], a[0]) > (-b[2], b[0]):
        fail("rows out of order: %s before %s" % (a[0], b[0]))
print("table ok: %d rows" % len(rows))
for name, calls, _ in sorted(rows):
    print(name, calls)

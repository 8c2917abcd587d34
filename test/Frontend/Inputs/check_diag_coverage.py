"""Checks that every registered diagnostic of nlc has a test.

Usage: check_diag_coverage.py REGISTRY TEST_ROOT PENDING [--verbose]

REGISTRY is the output of `nlc --list-diagnostics` (`name<TAB>format` lines).
Every .nl and .test file under TEST_ROOT is searched for the messages
tests expect:
`expected-error {{text}}` (also -warning, -note, with any `@` offset) and
FileCheck lines containing `error: text` (also `warning:`, `note:`). Each
format becomes a regular expression (`{0}`, `{1}`... match anything, but a
backtick when quoted in backticks; the rest is literal), and an entry is covered when some expected text of the
same kind (err_ = error, warn_ = warning, note_ = note) matches it
completely, and no entry with more literal text matches it too. So a test must spell out the whole message; FileCheck's
`{{...}}` holes count as matching anything.

A format with no literal text at all (`{0}`) matches every message: such an
entry is covered only by a test that names it (e.g. in a comment).

PENDING lists entries (one name per line, `#` comments) known to lack a
test for now; they are skipped, and reported when they gain one so that the
list can shrink. Every other uncovered entry fails the check, listed with
its format. With --verbose, prints for each entry the first test that
covers it.
"""
import os
import re
import sys

EXPECTED = re.compile(
    r"expected-(error|warning|note)(?:@[+-]?(?:[0-9]+|above|below))?\s*"
    r"\{\{(.*?)\}\}")
CHECKED = re.compile(r"\b(error|warning|note): (.*?)\s*$")
PLACEHOLDER = re.compile(r"\{[0-9]+\}")
KIND_OF_PREFIX = {"err": "error", "warn": "warning", "note": "note"}


def format_regex(fmt):
    """`{0}` and friends match anything (but a backtick when quoted in
    backticks, so that `name `{0}`` does not also match the longer
    `name `{0}`; did you mean `{1}`?`); the rest is literal."""
    out = ""
    pos = 0
    for m in PLACEHOLDER.finditer(fmt):
        out += re.escape(fmt[pos:m.start()])
        quoted = fmt[m.start() - 1:m.start()] == "`" and \
            fmt[m.end():m.end() + 1] == "`"
        out += "[^`]*" if quoted else ".*"
        pos = m.end()
    out += re.escape(fmt[pos:])
    return re.compile(out, re.DOTALL)


def is_nlc_test(name):
    """nlc's diagnostics appear in .nl sources and .test scripts; .mlir
    tests expect MLIR's own messages, which are not in the registry."""
    return name.endswith(".nl") or name.endswith(".test")


def collect_expected(root, skip):
    """Yields (kind, text, path) for every expected message under root."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if os.path.realpath(path) in skip or not is_nlc_test(name):
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, OSError):
                continue
            for line in text.splitlines():
                for m in EXPECTED.finditer(line):
                    yield m.group(1), m.group(2), path
                # An expected-* comment is not a FileCheck line.
                if "expected-" in line:
                    continue
                m = CHECKED.search(line)
                if m:
                    # FileCheck regex holes `{{...}}` may hold anything.
                    yield m.group(1), re.sub(r"\{\{.*?\}\}", "\x00",
                                             m.group(2)), path


def main():
    registry_path, root, pending_path = sys.argv[1:4]
    verbose = "--verbose" in sys.argv[4:]
    registry = []
    with open(registry_path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                name, fmt = line.split("\t", 1)
                registry.append((name, fmt))
    pending = set()
    with open(pending_path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                pending.add(line)

    skip = {os.path.realpath(__file__), os.path.realpath(pending_path)}
    expected = list(collect_expected(root, skip))
    corpus = ""
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            path = os.path.join(dirpath, name)
            if os.path.realpath(path) in skip or not is_nlc_test(name):
                continue
            try:
                with open(path, encoding="utf-8") as f:
                    corpus += f.read()
            except (UnicodeDecodeError, OSError):
                pass

    names = {name for name, _ in registry}
    failures = []
    for name in sorted(pending - names):
        failures.append(f"{name}: listed in {pending_path} but not registered")

    # Each expected message covers the most specific entry it matches (the
    # one with the most literal text): `expected {0}, found {1}` must not be
    # covered by a test of `expected type, found {0}`.
    matchers = []
    for name, fmt in registry:
        literal = len(PLACEHOLDER.sub("", fmt).strip())
        if literal:
            matchers.append((literal, name,
                             KIND_OF_PREFIX.get(name.split("_", 1)[0]),
                             format_regex(fmt)))
    covering = {}
    for k, t, path in expected:
        best = None
        for literal, name, kind, rx in matchers:
            if kind is not None and k != kind:
                continue
            # A FileCheck hole stands for some text, or for none.
            if rx.fullmatch(t.replace("\x00", "x")) or \
                    rx.fullmatch(t.replace("\x00", "")):
                if best is None or literal > best[0]:
                    best = (literal, name)
        if best:
            covering.setdefault(best[1], os.path.relpath(path, root))

    uncovered = []
    for name, fmt in registry:
        where = covering.get(name)
        if not PLACEHOLDER.sub("", fmt).strip() and \
                re.search(r"\b%s\b" % re.escape(name), corpus):
            where = "(named)"
        covered = where is not None
        if verbose and covered:
            print(f"{name}: {where}")
        if name in pending:
            if covered:
                print(f"note: {name} is covered now; remove it from "
                      f"{os.path.basename(pending_path)}")
            continue
        if not covered:
            uncovered.append(f"{name}\t{fmt}")

    if uncovered:
        failures.append("diagnostics without a test (add an expected-... "
                        "or a FileCheck'd message for each):")
        failures.extend("  " + u for u in uncovered)
    for f in failures:
        print(f, file=sys.stderr)
    checked = len(registry) - len(pending & names)
    print(f"{checked - len(uncovered)} of {checked} diagnostics covered "
          f"({len(pending & names)} pending)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

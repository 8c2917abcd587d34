"""Runs a program and fails if its peak resident memory exceeds a bound.

Usage: peak_rss.py MAX_MIB COMMAND [ARGS...]

The program runs with its address space limited to 1 GiB, so that a leak
stops it early instead of filling the machine's memory. Its output passes
through; the exit status is the program's, or 1 when its peak resident set
(ru_maxrss) was above MAX_MIB, which is then printed to stderr.
"""

import resource
import subprocess
import sys


def limit_address_space():
    gib = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (gib, gib))


def main():
    max_mib = int(sys.argv[1])
    status = subprocess.run(sys.argv[2:], preexec_fn=limit_address_space).returncode
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if status != 0:
        print(f"peak_rss: the program exited with status {status}", file=sys.stderr)
        return 1
    if peak_mib > max_mib:
        print(f"peak_rss: peak resident memory {peak_mib:.1f} MiB is above {max_mib} MiB",
              file=sys.stderr)
        return 1
    print(f"peak_rss: within {max_mib} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs nlc's CPU kernel benchmark next to the machine's peaks and the
reference libraries, and writes bench/results/{results.md,results.csv,
matmul.png}. Called by bench/run.sh, which builds the programs first.

Every figure comes from one run on the machine at hand. nlc's cases have a
time budget: a size whose predicted time (the previous size's time scaled
by the FLOP count) exceeds it is marked `timeout` and not run.
"""

import argparse
import csv
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# nlc matmul forms: (stdin code, label). See bench/nl/matmul.nl.in.
FORMS = [(0, "nlc grid 64x64 k32"), (1, "nlc grid 128x128 k64"), (2, "nlc tile-map 64x64 k32"),
         (3, "nlc grid 64x64 k32 packed")]
DTYPES = ["f32", "bf16", "f16", "i8"]
# Library cases per nlc element type (the best one is the ratio's base).
LIBS = {"f32": ["openblas_f32", "dnnl_f32"], "bf16": ["dnnl_bf16"], "f16": ["dnnl_f16"],
        "i8": ["dnnl_i8"]}
LIB_LABEL = {"openblas_f32": "OpenBLAS sgemm", "dnnl_f32": "oneDNN f32", "dnnl_bf16": "oneDNN bf16",
             "dnnl_f16": "oneDNN f16", "dnnl_i8": "oneDNN s8"}
# Which measured peak a matmul of each type is judged against (first
# present wins); f16 is multiplied and accumulated in f32 by nlc. The ymm
# FMA probe runs only where AVX2 and FMA are present; it counts where no
# zmm probe ran (an AVX2-only machine: nlc's kernels are ymm ones there).
PEAK_FOR = {"f32": ["fma_f32_zmm", "fma_f32_ymm"], "f16": ["fma_f32_zmm", "fma_f32_ymm"],
            "bf16": ["amx_tdpbf16ps", "vdpbf16ps", "fma_f32_zmm", "fma_f32_ymm"],
            "i8": ["amx_tdpbssd_i8", "vpdpbusd_i8", "fma_f32_zmm", "fma_f32_ymm"]}
MEM_KINDS = {0: "softmax", 1: "layernorm", 2: "vecadd grid", 3: "vecadd tile-map"}


def unit_of(dtype):
    return "GOP/s" if dtype == "i8" else "GFLOP/s"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, stdin=None, threads=None, timeout=None, extra_env=None):
    """Runs cmd; returns (stdout, timed_out)."""
    env = dict(os.environ, **(extra_env or {}))
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)  # oneDNN's OpenMP
        env["NL_NUM_THREADS"] = str(threads)  # nlc's grid threads
        env["OPENBLAS_NUM_THREADS"] = str(threads)
    # OpenMP threads (oneDNN, STREAM, the peak probes) one per CPU, as nlc's
    # grid threads are: unbound, a 2-thread oneDNN matmul at 512^3 took
    # 5-8 ms in some runs and 0.25 ms in others (its threads shared a CPU).
    env["OMP_PROC_BIND"] = "true"
    try:
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "", True
    if p.returncode != 0 and p.stderr:
        log("  stderr:", p.stderr.strip()[-500:])
    return p.stdout, False


def times_of(out):
    return [int(float(l.split()[1])) * 1e-9 for l in out.splitlines() if l.startswith("time_ns ")]


def stats(ts):
    """Best and median of the timed launches; the first one warms up when
    there are at least two."""
    if len(ts) >= 2:
        ts = ts[1:]
    return min(ts), statistics.median(ts), len(ts)


class Bench:
    def __init__(self, args):
        self.a = args
        self.build = args.build
        self.rows = []   # dicts, one per measured case (also the CSV)
        self.peak = {}   # (name, threads) -> best rate
        self.copy = {}   # threads -> best STREAM copy GB/s

    def add(self, **kw):
        row = {"kind": "", "case": "", "dtype": "", "m": "", "n": "", "k": "", "threads": "",
               "reps": "", "best_s": "", "median_s": "", "best": "", "median": "", "unit": "",
               "pct_peak": "", "vs_best_lib": "", "check": "", "note": ""}
        row.update(kw)
        self.rows.append(row)
        return row

    def load_csv(self, path):
        """Reads back a results.csv written by write_csv."""
        with open(path) as f:
            for r in csv.DictReader(f):
                for key in ("m", "n", "k", "threads", "reps"):
                    if r[key] != "":
                        r[key] = int(r[key])
                for key in ("best_s", "median_s", "best", "median", "pct_peak", "vs_best_lib"):
                    if r[key] != "":
                        r[key] = float(r[key])
                self.rows.append(r)
                if r["kind"] == "peak":
                    key = (r["case"], r["threads"])
                    self.peak[key] = max(self.peak.get(key, 0.0), r["best"])
                if r["kind"] == "stream" and r["case"] == "copy":
                    self.copy[r["threads"]] = r["best"]

    # ---- peaks and STREAM ----
    def peaks(self, when):
        """Runs the peak probes (at the start and at the end of the run: on a
        shared machine the best of the two is the less disturbed)."""
        out, _ = run([os.path.join(self.build, "peak")] + [str(t) for t in self.a.threads])
        for line in out.splitlines():
            _, name, t, best, med = line.split(",")
            key = (name, int(t))
            self.peak[key] = max(self.peak.get(key, 0.0), float(best))
            unit = "GOP/s" if name.endswith("i8") else "GFLOP/s"
            self.add(kind="peak", case=name, threads=int(t), best=float(best), median=float(med),
                     unit=unit, note=when)
            log(f"peak ({when}) {name} x{t}: {best} {unit} (median {med})")

    def stream(self):
        out, _ = run([os.path.join(self.build, "stream"), str(self.a.stream_elems)]
                     + [str(t) for t in self.a.threads])
        for line in out.splitlines():
            _, name, t, best, med = line.split(",")
            if name == "copy":
                self.copy[int(t)] = float(best)
            self.add(kind="stream", case=name, threads=int(t), best=float(best),
                     median=float(med), unit="GB/s", m=self.a.stream_elems)
            log(f"stream {name} x{t}: {best} GB/s (median {med})")

    # ---- matmul ----
    def peak_for(self, dtype, threads):
        """The peak a matmul on `threads` threads is judged against: the
        probe's best on as many threads, of its start and end runs."""
        for name in PEAK_FOR[dtype]:
            if (name, threads) in self.peak:
                return name, self.peak[(name, threads)]
        return None, None

    def libs(self, shapes):
        for (m, n, k) in shapes:
            for t in self.a.threads:
                for dtype in DTYPES:
                    for lib in LIBS[dtype]:
                        out, to = run([os.path.join(self.build, "libmm"), "gemm", lib, str(m),
                                       str(n), str(k), str(t), str(self.a.reps + 1),
                                       str(self.a.lib_budget)], threads=t, timeout=600)
                        base = dict(kind="matmul", case=LIB_LABEL[lib], dtype=dtype, m=m, n=n, k=k,
                                    threads=t, unit=unit_of(dtype))
                        if out.startswith("unsupported") or to or not times_of(out):
                            self.add(**base, note="unsupported here" if not to else "timeout")
                            continue
                        best, med, reps = stats(times_of(out))
                        flop = 2.0 * m * n * k
                        check = next((l[6:] for l in out.splitlines() if l.startswith("check ")),
                                     "no check")
                        impl = next((l[5:] for l in out.splitlines() if l.startswith("impl ")), "")
                        self.add(**base, reps=reps, best_s=best, median_s=med,
                                 best=flop / best * 1e-9, median=flop / med * 1e-9,
                                 check=check.split()[0], note=impl)
                        log(f"{lib} {m}x{n}x{k} x{t}: {flop / best * 1e-9:.1f} {unit_of(dtype)} "
                            f"({check})")

    def nlc_matmul(self, shapes):
        budget = self.a.budget
        # Smallest FLOP count first, so each case predicts the next one.
        shapes = sorted(shapes, key=lambda s: s[0] * s[1] * s[2])
        for dtype in DTYPES:
            exe = os.path.join(self.build, f"matmul_{dtype}")
            for code, label in FORMS:
                for t in self.a.threads:
                    prev = None  # (flop, seconds per launch) of the last case run
                    for (m, n, k) in shapes:
                        flop = 2.0 * m * n * k
                        base = dict(kind="matmul", case=label, dtype=dtype, m=m, n=n, k=k,
                                    threads=t, unit=unit_of(dtype))
                        pred = prev[1] * flop / prev[0] if prev else None
                        if pred is not None and pred > budget:
                            self.add(**base, note=f"timeout: predicted {pred:.3g} s > "
                                                  f"{budget:.3g} s budget")
                            log(f"{label} {dtype} {m}x{n}x{k} x{t}: skipped (predicted {pred:.3g} s)")
                            continue
                        # Launches: a warm-up plus up to `reps` timed ones within
                        # the budget; a single cold one for the slowest sizes.
                        if pred is None or pred * (self.a.reps + 1) <= budget:
                            reps = self.a.reps + 1
                        else:
                            reps = max(1, int(budget / pred))
                        limit = 3 * budget * reps + 30 if pred is not None else 3 * budget + 30
                        out, to = run([exe], stdin=f"{code} {m} {n} {k} {reps}\n", threads=t,
                                      timeout=limit)
                        ts = times_of(out)
                        if to or not ts:
                            self.add(**base, note="timeout (killed)" if to else "failed")
                            prev = (flop, float("inf"))
                            log(f"{label} {dtype} {m}x{n}x{k} x{t}: {'timeout' if to else 'failed'}")
                            continue
                        best, med, nrep = stats(ts)
                        prev = (flop, med)
                        chk, _ = run([os.path.join(self.build, "libmm"), "check", "mm", dtype,
                                      str(m), str(n), str(k)], stdin=out, threads=2)
                        chk = chk.strip()[6:] if chk.startswith("check ") else "FAIL no output"
                        note = "" if len(ts) >= 2 else "1 cold launch"
                        self.add(**base, reps=nrep, best_s=best, median_s=med,
                                 best=flop / best * 1e-9, median=flop / med * 1e-9,
                                 check=chk.split()[0], note=note)
                        log(f"{label} {dtype} {m}x{n}x{k} x{t}: {flop / best * 1e-9:.1f} {unit_of(dtype)} "
                            f"({chk})")

    def matmul_ratios(self):
        lib_best = {}
        for r in self.rows:
            if r["kind"] == "matmul" and not r["case"].startswith("nlc") and r["best"] != "":
                key = (r["dtype"], r["m"], r["n"], r["k"], r["threads"])
                lib_best[key] = max(lib_best.get(key, 0.0), r["best"])
        for r in self.rows:
            if r["kind"] != "matmul" or r["best"] == "":
                continue
            name, peak = self.peak_for(r["dtype"], r["threads"])
            if peak:
                r["pct_peak"] = 100.0 * r["best"] / peak
            key = (r["dtype"], r["m"], r["n"], r["k"], r["threads"])
            if key in lib_best:
                r["vs_best_lib"] = r["best"] / lib_best[key]

    # ---- memory-bound kernels and launch overhead ----
    def nlc_mem(self):
        exe = os.path.join(self.build, "mem")
        total = self.a.mem_elems
        cases = [(kind, total // cols, cols) for kind in (0, 1) for cols in self.a.row_lengths]
        cases += [(2, total * 4 // 1024, 1024), (3, total * 4 // 1024, 1024)]
        for t in self.a.threads:
            for (kind, rows, cols) in cases:
                out, to = run([exe], stdin=f"{kind} {rows} {cols} {self.a.reps + 1}\n", threads=t,
                              timeout=300)
                name = MEM_KINDS[kind]
                base = dict(kind="mem", case=f"nlc {name}", dtype="f32", m=rows, n=cols,
                            threads=t, unit="GB/s")
                if to or not times_of(out):
                    self.add(**base, note="timeout" if to else "failed")
                    continue
                best, med, nrep = stats(times_of(out))
                nbytes = (2 * rows * cols + (2 * cols if kind == 1 else 0)) * 4
                if kind >= 2:
                    nbytes = 3 * rows * cols * 4
                chk, _ = run([os.path.join(self.build, "libmm"), "check", "mem", str(kind),
                              str(rows), str(cols)], stdin=out)
                chk = chk.strip()[6:] if chk.startswith("check ") else "FAIL no output"
                row = self.add(**base, reps=nrep, best_s=best, median_s=med,
                               best=nbytes / best * 1e-9, median=nbytes / med * 1e-9,
                               check=chk.split()[0])
                if t in self.copy:
                    row["pct_peak"] = 100.0 * row["best"] / self.copy[t]
                log(f"{name} {rows}x{cols} x{t}: {row['best']:.1f} GB/s ({chk})")
            # Launch overhead: `launches` launches of a 4-instance grid, timed
            # together. On more than one thread, also with the grid spread
            # over the threads (the runtime runs a grid this short on the
            # calling thread alone: runtime/hosted/grid.c).
            variants = [("nlc launch, grid=[4], 256 f32 each", {})]
            if t > 1:
                variants.append(("nlc launch spread over the threads "
                                 "(NL_GRID_INLINE_TICKS=0)", {"NL_GRID_INLINE_TICKS": "0"}))
            for case, extra in variants:
                samples = []
                chk = ""
                for _ in range(self.a.reps):
                    out, _ = run([exe], stdin=f"4 0 0 {self.a.launches}\n", threads=t,
                                 timeout=120, extra_env=extra)
                    samples += times_of(out)
                if samples:
                    c, _ = run([os.path.join(self.build, "libmm"), "check", "mem", "4", "1",
                                "1024"], stdin=out)
                    chk = c.strip()[6:] if c.startswith("check ") else "FAIL"
                    us = [s / self.a.launches * 1e6 for s in samples]
                    self.add(kind="launch", case=case, threads=t, reps=len(us), best=min(us),
                             median=statistics.median(us), unit="us/launch",
                             check=chk.split()[0], note=f"{self.a.launches} launches")
                    log(f"{case} x{t}: {min(us):.2f} us ({chk})")

def fmt(v, digits=1):
    if v == "" or v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def machine_info():
    model, flags = "?", []
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "?":
                    model = line.split(":", 1)[1].strip()
                if line.startswith("flags") and not flags:
                    flags = line.split(":", 1)[1].split()
    except OSError:
        pass
    want = ["avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16", "avx512_vnni", "amx_tile",
            "amx_bf16", "amx_int8"]
    have = [f for f in want if f in flags]
    return model, have, os.cpu_count()


def choose_openblas_core(build):
    """OpenBLAS 0.3.21 names the CPU it tunes for (OPENBLAS_VERBOSE=2); on a
    processor it does not know (Sapphire Rapids, model 207) it falls back to
    `Prescott`, SSE3 kernels about 6x slower than its AVX-512 ones there.
    Where that happens on a CPU with AVX-512, this sets OPENBLAS_CORETYPE to
    SkylakeX, so that the library is measured at its speed. Returns the line
    results.md reports (an OPENBLAS_CORETYPE already set is left alone)."""
    if os.environ.get("OPENBLAS_CORETYPE"):
        return f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} (set before the run)"
    env = dict(os.environ, OPENBLAS_VERBOSE="2", OPENBLAS_NUM_THREADS="1")
    try:
        p = subprocess.run([os.path.join(build, "libmm"), "gemm", "openblas_f32", "16", "16", "16",
                            "1", "1", "1"], capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    m = re.search(r"Core: (\S+)", p.stdout + p.stderr)
    core = m.group(1) if m else "unknown"
    if core == "Prescott" and "avx512f" in machine_info()[1]:
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
        return ("Prescott as detected (a processor OpenBLAS does not know), "
                "SkylakeX set by bench.py (OPENBLAS_CORETYPE)")
    return f"{core} (as detected)"


def write_markdown(b, path, args, when=None):
    model, flags, ncpu = machine_info()
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"]
    L = []
    when = when or datetime.datetime.now(datetime.timezone.utc)
    L.append(f"# nlc CPU benchmark, {when:%Y-%m-%d %H:%M} UTC")
    L.append("")
    L.append(f"- CPU: {model} ({ncpu} logical CPUs visible); flags: {' '.join(flags) or 'none'}")
    if args.nlc:
        ver, _ = run([args.nlc, "--version"])
        L.append(f"- nlc: `{args.nlc}` (file dated {args.nlc_date} when the run started): "
                 f"{' '.join(ver.split())[:120]}")
    L.append(f"- Load average {'when these tables were rewritten' if args.report_only else 'at the end of the run'}: {' '.join(load)}")
    if getattr(args, "openblas_core", None):
        L.append(f"- OpenBLAS kernels: {args.openblas_core}")
    L.append(f"- Mode: {'quick' if args.quick else 'full'}; threads {args.threads}; "
             f"nlc budget {args.budget:.0f} s per case; up to {args.reps} timed launches after a "
             f"warm-up; host {platform.node()}")
    L.append("")
    L.append("## Peaks (measured in this run)")
    L.append("")
    L.append("| probe | threads | when | best | median | unit |")
    L.append("|---|---|---|---|---|---|")
    for r in b.rows:
        if r["kind"] in ("peak", "stream"):
            name = r["case"] if r["kind"] == "peak" else f"STREAM {r['case']}"
            L.append(f"| {name} | {r['threads']} | {r['note'] or 'start'} | {fmt(r['best'])} | "
                     f"{fmt(r['median'])} | {r['unit']} |")
    L.append("")
    L.append("`% peak` of a case on T threads is against the best of the two T-thread probe runs: " +
             ", ".join(f"{n} x{t} {v:.1f}" for (n, t), v in sorted(b.peak.items())) + ".")
    L.append("")
    L.append("## Matmul summary: nlc's best form next to the best library")
    L.append("")
    L.append("| M x N x K | type | thr | nlc best form | nlc best | % peak | best library | library best | % peak | nlc / library |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    groups = {}
    for r in b.rows:
        if r["kind"] == "matmul":
            groups.setdefault((DTYPES.index(r["dtype"]), r["m"] * r["n"] * r["k"], r["m"],
                               r["threads"]), []).append(r)
    for key in sorted(groups):
        g = groups[key]
        ran = [r for r in g if r["best"] != ""]
        nl = max((r for r in ran if r["case"].startswith("nlc")), key=lambda r: r["best"],
                 default=None)
        lib = max((r for r in ran if not r["case"].startswith("nlc")), key=lambda r: r["best"],
                  default=None)
        r0 = g[0]
        L.append(f"| {r0['m']}x{r0['n']}x{r0['k']} | {r0['dtype']} | {r0['threads']} | "
                 f"{nl['case'][4:] if nl else 'none ran (timeout)'} | {fmt(nl['best']) if nl else '-'} | "
                 f"{fmt(nl['pct_peak']) if nl else '-'} | {lib['case'] if lib else 'none'} | "
                 f"{fmt(lib['best']) if lib else '-'} | {fmt(lib['pct_peak']) if lib else '-'} | "
                 f"{fmt(nl['vs_best_lib'], 2) if nl else '-'} |")
    L.append("")
    L.append("## Matmul, every case (GFLOP/s, GOP/s for i8; C = A x B, row-major, f32 results, i32 for i8)")
    L.append("")
    L.append("| M x N x K | type | implementation | thr | n | best | median | % peak | x best lib | check | note |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    rows = [r for r in b.rows if r["kind"] == "matmul"]
    rows.sort(key=lambda r: (DTYPES.index(r["dtype"]), r["m"] * r["n"] * r["k"], r["m"],
                             r["threads"], not r["case"].startswith("nlc"), r["case"]))
    for r in rows:
        L.append(f"| {r['m']}x{r['n']}x{r['k']} | {r['dtype']} | {r['case']} | {r['threads']} | "
                 f"{fmt(r['reps'])} | {fmt(r['best'])} | {fmt(r['median'])} | "
                 f"{fmt(r['pct_peak'])} | {fmt(r['vs_best_lib'], 2)} | {fmt(r['check'])} | "
                 f"{r['note'] or ''} |")
    L.append("")
    L.append("## Memory-bound kernels (GB/s) and launch overhead")
    L.append("")
    L.append("| kernel | rows x cols | thr | n | best | median | unit | % STREAM copy | check | note |")
    L.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in b.rows:
        if r["kind"] in ("mem", "launch"):
            shape = f"{r['m']}x{r['n']}" if r["kind"] == "mem" else "-"
            L.append(f"| {r['case']} | {shape} | {r['threads']} | {fmt(r['reps'])} | "
                     f"{fmt(r['best'], 2 if r['kind'] == 'launch' else 1)} | "
                     f"{fmt(r['median'], 2 if r['kind'] == 'launch' else 1)} | {r['unit']} | "
                     f"{fmt(r['pct_peak'])} | {fmt(r['check'])} | {r['note'] or ''} |")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def write_csv(b, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(b.rows[0].keys()))
        w.writeheader()
        for r in b.rows:
            w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})


def plot(b, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("no matplotlib: no plot")
        return
    threads = sorted({r["threads"] for r in b.rows if r["kind"] == "matmul"})
    dtypes = ["f32", "bf16", "i8"]
    colors = {}
    fig, axes = plt.subplots(len(threads), len(dtypes), figsize=(11, 3.2 * len(threads)),
                             squeeze=False, sharex=True)
    for ti, t in enumerate(threads):
        for di, dt in enumerate(dtypes):
            ax = axes[ti][di]
            rows = [r for r in b.rows if r["kind"] == "matmul" and r["dtype"] == dt and
                    r["threads"] == t and r["m"] == r["n"] == r["k"] and r["best"] != ""]
            for case in sorted({r["case"] for r in rows}):
                pts = sorted((r["m"], r["best"]) for r in rows if r["case"] == case)
                style = "-o" if case.startswith("nlc") else "--s"
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style, ms=3, label=case,
                        color=colors.setdefault(case, f"C{len(colors)}"))
            name, peak = b.peak_for(dt, t)
            if peak:
                ax.axhline(peak, color="k", lw=0.8, ls=":", label=f"peak {name}")
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(f"{dt}, {t} thread{'s' if t > 1 else ''}", fontsize=9)
            ax.tick_params(labelsize=7)
            if ti == len(threads) - 1:
                ax.set_xlabel("N (N x N x N)", fontsize=8)
            if di == 0:
                ax.set_ylabel("GFLOP/s (GOP/s i8)", fontsize=8)
            ax.legend(fontsize=6)
            ax.grid(True, which="both", lw=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    log(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", required=True)
    ap.add_argument("--nlc", default="", help="the nlc that built the programs (reported)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", type=int, nargs="+")
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--budget", type=float, help="seconds per nlc case")
    ap.add_argument("--reps", type=int, help="timed launches after the warm-up")
    ap.add_argument("--no-transformer", action="store_true")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite results.md and the plot from results.csv, running nothing")
    a = ap.parse_args()
    a.nlc_date = "?"
    if a.nlc and os.path.exists(a.nlc):
        a.nlc_date = datetime.datetime.fromtimestamp(
            os.path.getmtime(a.nlc), datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if a.sizes is None:
        a.sizes = [256, 512] if a.quick else [256, 512, 1024, 2048, 4096]
    if a.budget is None:
        a.budget = 3.0 if a.quick else 8.0
    if a.reps is None:
        a.reps = 3 if a.quick else 5
    a.lib_budget = 1.0 if a.quick else 3.0
    a.stream_elems = 1 << 24
    a.mem_elems = (1 << 20) if a.quick else (1 << 22)
    a.row_lengths = [1024, 2048, 4096, 8192, 16384, 32768]
    a.launches = 2000 if a.quick else 20000
    shapes = [(s, s, s) for s in a.sizes]
    if not a.quick and not a.no_transformer:
        shapes += [(4096, 4096, 128), (1, 4096, 4096)]
    os.makedirs(a.out, exist_ok=True)

    b = Bench(a)
    if a.report_only:
        path = os.path.join(a.out, "results.csv")
        b.load_csv(path)
        b.matmul_ratios()
        when = datetime.datetime.fromtimestamp(os.path.getmtime(path), datetime.timezone.utc)
        write_markdown(b, os.path.join(a.out, "results.md"), a, when)
        plot(b, os.path.join(a.out, "matmul.png"))
        return 0
    a.openblas_core = choose_openblas_core(a.build)
    log(f"OpenBLAS kernels: {a.openblas_core}")
    b.peaks("start")
    b.stream()
    b.libs(shapes)
    b.nlc_matmul(shapes)
    b.matmul_ratios()
    b.nlc_mem()
    b.peaks("end")
    b.matmul_ratios()
    write_csv(b, os.path.join(a.out, "results.csv"))
    write_markdown(b, os.path.join(a.out, "results.md"), a)
    plot(b, os.path.join(a.out, "matmul.png"))
    bad = [r for r in b.rows if r["check"] and r["check"] != "ok"]
    log(f"wrote {a.out}/results.md and results.csv; {len(bad)} failed check(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

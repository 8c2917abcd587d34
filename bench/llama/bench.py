#!/usr/bin/env python3
"""nlc next to llama.cpp on the same Llama-architecture GGUF files (issue 12).

Run by bench/llama/run.sh, which builds llama_cpp_harness (llama.cpp's
prebuilt CPU libraries through llama.h) and, when examples/llama exists,
the nlc program. For each model shape and weight type this script:

1. makes the GGUF file with scripts/llama_gguf.py (random weights, seed 1)
   into --build;
2. computes the numpy reference in one pass (llama_gguf.Model): the greedy
   continuation of a fixed check prompt and the logits of every position
   of the check sequence (the prompt and that continuation but its last
   token), written in `llama_gguf.py logits` format;
3. for each engine (llama.cpp, and nlc when given): the logits of the
   check sequence, compared with `llama_gguf.py compare --tol T` (T per
   weight type, see TOLERANCE), the argmax of each position against the
   reference's, and the free-running greedy tokens from the check prompt
   against the reference's (f32: must be identical);
4. speed: prefill tokens/s (the --prompt tokens as one batch) and decode
   tokens/s (-n tokens, the first from the prefill, so -n - 1 decode steps),
   the best of --runs, for each thread count.

Writes OUT/results.md (a markdown report: the machine, the correctness
table, the speed table) and prints it. Exit status 1 when an engine that
ran gave wrong f32 results (logits past the tolerance or other greedy
tokens) or failed on a model llama.cpp loads.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "llama_gguf.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import llama_gguf  # noqa: E402  (numpy reference, GGUF reader)
import numpy as np  # noqa: E402

# Model shapes: llama_gguf.py make options. The 125M shape is the one the
# issue measured llama.cpp on (124.7M parameters, 24.6M of them the
# embedding table).
MODELS = {
    "tiny": dict(dim=128, layers=4, heads=4, kv_heads=2, ffn=384,
                 vocab=512, ctx=256),
    "125M": dict(dim=768, layers=12, heads=12, kv_heads=4, ffn=2048,
                 vocab=32000, ctx=256),
}

TYPES = ["f32", "f16", "bf16", "q8_0"]

# The logits tolerance of each weight type, relative to max(1, max |logit|)
# of the position (llama_gguf.py compare). f32: the target. The
# others: llama.cpp rounds the activations to the weight's type (f16,
# bf16) or quantizes them to Q8_0 blocks before each product, so its
# logits part from the float64 reference by more. Largest errors measured
# on both models (seed 1, KV cache f32, flash attention off): f16 8.5e-4,
# bf16 6.5e-3, Q8_0 2.3e-2; the bounds are about three times those.
TOLERANCE = {"f32": 1e-4, "f16": 3e-3, "bf16": 2e-2, "q8_0": 6e-2}

SEED = 1


def run(cmd, env=None, timeout=1800):
    """Runs cmd; returns (status, stdout, stderr) as text (bytes that are not
    UTF-8, e.g. the text of random tokens, become U+FFFD)."""
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                       env=env, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def fixed_tokens(vocab, count, seed):
    """`count` token ids drawn once from [3, vocab) (no BOS/EOS/unknown), the
    same for every engine and type."""
    rng = np.random.default_rng(seed)
    return [int(t) for t in rng.integers(3, vocab, count)]


def reference(path, prompt, n):
    """The numpy reference: (greedy tokens after `prompt`, logits of every
    position of prompt + those tokens but the last)."""
    model = llama_gguf.Model(llama_gguf.GGUF(path))
    logits = [model.forward(t, p) for p, t in enumerate(prompt)]
    new = []
    for i in range(n):
        new.append(int(np.argmax(logits[-1])))
        if i + 1 < n:
            logits.append(model.forward(new[-1], len(prompt) + i))
    return new, logits


def write_logits(path, logits):
    """Writes logits in `llama_gguf.py logits` format."""
    with open(path, "w") as f:
        for p, row in enumerate(logits):
            f.write("pos %d\n" % p)
            f.write("".join("%r\n" % float(x) for x in row))


def keep_logits(text):
    """The `pos P` and number lines of an engine's output (nlc prints its
    ids and speeds after the logits)."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("pos "):
            out.append(s)
        elif s:
            try:
                float(s)
                out.append(s)
            except ValueError:
                pass
    return "\n".join(out) + "\n"


def compare(ref_path, act_path, tol):
    """llama_gguf.py compare: (ok, max relative error or None, message)."""
    status, out, err = run([sys.executable, SCRIPT, "compare", ref_path,
                            act_path, "--tol", repr(tol)])
    m = re.search(r"max error (\S+)", out)
    worst = float(m.group(1)) if m else None
    return status == 0, worst, (out + err).strip().splitlines()[-1:]


def argmax_agreement(ref_logits, act_path):
    """(positions where the argmax equals the reference's, positions)."""
    act = llama_gguf.read_logits(act_path)
    same = sum(int(np.argmax(r)) == int(np.argmax(a))
               for r, a in zip(ref_logits, act))
    return same, len(ref_logits)


class Engine:
    """One implementation under test: how to get logits, greedy tokens and
    speeds from it. Subclasses fill in the commands."""

    name = ""

    def logits(self, model, tokens, out_path):
        """Writes the logits of every position of `tokens` to out_path;
        returns None, or an error message."""
        raise NotImplementedError

    def generate(self, model, tokens, n):
        """(greedy tokens, None) or (None, error message)."""
        raise NotImplementedError

    def speed(self, model, prompt_path, n, threads, runs):
        """(prefill tokens/s, decode tokens/s, None) or (None, None, error)."""
        raise NotImplementedError


def parse_speeds(text):
    """The prefill and decode tokens/s of a `prefill: P tokens, X tokens/s`
    and `decode: D tokens, Y tokens/s` output (None where absent)."""
    p = re.search(r"^prefill: \d+ tokens, ([0-9.eE+-]+) tokens/s", text, re.M)
    d = re.search(r"^decode: \d+ tokens, ([0-9.eE+-]+) tokens/s", text, re.M)
    return (float(p.group(1)) if p else None, float(d.group(1)) if d else None)


def first_error(err, status):
    """A one-line summary of a failed run's stderr."""
    lines = [l for l in err.strip().splitlines() if "loaded CPU backend" not in l]
    return (lines[-1] if lines else "exit status %d" % status)[:200]


class LlamaCpp(Engine):
    """llama.cpp through bench/llama/llama_cpp_harness."""

    name = "llama.cpp"

    def __init__(self, harness, backends, kv, flash, poll):
        self.base = [harness, "--backends", backends, "--kv", kv,
                     "--flash", flash]
        self.base += ["--poll", str(poll)] if poll >= 0 else ["--no-threadpool"]
        self.variant = None  # the ggml-cpu library that loaded

    def _run(self, args):
        status, out, err = run(self.base + args)
        m = re.search(r"loaded CPU backend from (\S+)", err)
        if m:
            self.variant = os.path.basename(m.group(1))
        return status, out, err

    def logits(self, model, tokens, out_path):
        status, out, err = self._run([model, "--tokens", ",".join(map(str, tokens)),
                                      "--logits"])
        if status:
            return first_error(err, status)
        with open(out_path, "w") as f:
            f.write(out)
        return None

    def generate(self, model, tokens, n):
        status, out, err = self._run([model, "--tokens", ",".join(map(str, tokens)),
                                      "-n", str(n)])
        if status:
            return None, first_error(err, status)
        return [int(t) for t in out.split()], None

    def speed(self, model, prompt_path, n, threads, runs):
        status, out, err = self._run([model, "--tokens", "@" + prompt_path, "-n",
                                      str(n), "--bench", "--threads",
                                      str(threads), "--runs", str(runs)])
        if status:
            return None, None, first_error(err, status)
        p, d = parse_speeds(out)
        return p, d, None


class Nlc(Engine):
    """The nlc program of examples/llama (`llama MODEL --tokens .. -n N
    [--dump-logits]`, threads from NL_NUM_THREADS)."""

    name = "nlc"

    def __init__(self, prog):
        self.prog = prog

    def _run(self, args, threads=1):
        env = dict(os.environ, NL_NUM_THREADS=str(threads))
        return run([self.prog] + args, env=env)

    def logits(self, model, tokens, out_path):
        status, out, err = self._run([model, "--tokens", ",".join(map(str, tokens)),
                                      "-n", "0", "--dump-logits"])
        if status:
            return first_error(err, status)
        with open(out_path, "w") as f:
            f.write(keep_logits(out))
        return None

    def generate(self, model, tokens, n):
        status, out, err = self._run([model, "--tokens", ",".join(map(str, tokens)),
                                      "-n", str(n)])
        m = re.search(r"^ids:(.*)$", out, re.M)
        if status or not m:
            return None, first_error(err or out, status)
        return [int(t) for t in m.group(1).split()], None

    def speed(self, model, prompt_path, n, threads, runs):
        # One run per process: a warm-up run, then the best of `runs`.
        best_p = best_d = None
        for i in range(runs + 1):
            status, out, err = self._run([model, "--tokens", "@" + prompt_path,
                                          "-n", str(n)], threads)
            if status:
                return None, None, first_error(err, status)
            p, d = parse_speeds(out)
            if i == 0 or p is None or d is None:
                continue
            best_p = p if best_p is None else max(best_p, p)
            best_d = d if best_d is None else max(best_d, d)
        return best_p, best_d, None


def fmt_rate(x):
    """A tokens/s figure for the table."""
    if x is None:
        return "-"
    return "%.0f" % x if x >= 100 else "%.1f" % x


def cpu_line():
    """The processor as /proc/cpuinfo names it, with family and model."""
    info = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if ":" in line:
                k, v = line.split(":", 1)
                info.setdefault(k.strip(), v.strip())
    flags = set(info.get("flags", "").split())
    simd = [x for x in ["avx2", "fma", "f16c", "avx512f", "avx512_bf16",
                        "amx_tile"] if x in flags]
    return "%s (family %s, model %s), %d logical CPUs, %s" % (
        info.get("model name", "?"), info.get("cpu family", "?"),
        info.get("model", "?"), os.cpu_count(), "+".join(simd) or "no AVX2")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", required=True, help="models and outputs")
    ap.add_argument("--out", required=True, help="where results.md goes")
    ap.add_argument("--harness", required=True)
    ap.add_argument("--backends", required=True,
                    help="the folder of llama.cpp's libggml-cpu-*.so")
    ap.add_argument("--nlc", help="the compiled examples/llama program")
    ap.add_argument("--models", nargs="+", default=list(MODELS),
                    choices=list(MODELS))
    ap.add_argument("--types", nargs="+", default=TYPES, choices=TYPES)
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs per figure (the best is kept)")
    ap.add_argument("--prompt", type=int, default=64,
                    help="prompt tokens for the speed runs")
    ap.add_argument("-n", type=int, default=64,
                    help="generated tokens for the speed runs")
    ap.add_argument("--check-prompt", type=int, default=16)
    ap.add_argument("--check-n", type=int, default=16)
    ap.add_argument("--kv", default="f32", choices=["f32", "f16"],
                    help="llama.cpp's KV cache type")
    ap.add_argument("--flash", default="off", choices=["off", "on", "auto"],
                    help="llama.cpp's flash attention")
    ap.add_argument("--poll", type=int, default=50,
                    help="llama.cpp's threadpool polling level (0..100; -1: "
                    "no threadpool, ggml makes one per llama_decode call)")
    args = ap.parse_args()
    os.makedirs(args.build, exist_ok=True)
    os.makedirs(args.out, exist_ok=True)

    llama = LlamaCpp(args.harness, args.backends, args.kv, args.flash,
                     args.poll)
    engines = [llama]
    if args.nlc:
        engines.append(Nlc(args.nlc))
    started = datetime.datetime.now(datetime.timezone.utc)
    load_before = os.getloadavg()
    checks = []  # (model, type, engine, error text, logit error, tol, ok, argmax, greedy)
    speeds = []  # (model, type, threads, {engine: (p, d, err)})
    skipped = []
    failed = False

    for mname in args.models:
        shape = MODELS[mname]
        for wtype in args.types:
            path = os.path.join(args.build, "%s_%s.gguf" % (mname, wtype))
            cmd = [sys.executable, SCRIPT, "make", path, "--seed", str(SEED),
                   "--type", wtype]
            for k, v in shape.items():
                cmd += ["--" + k.replace("_", "-"), str(v)]
            status, out, err = run(cmd)
            if status:
                skipped.append("%s %s: llama_gguf.py make failed: %s" %
                               (mname, wtype, first_error(err, status)))
                continue
            print(out.strip(), file=sys.stderr)

            # The reference and the check sequence.
            check_prompt = fixed_tokens(shape["vocab"], args.check_prompt, 7)
            t0 = time.time()
            ref_new, ref_logits = reference(path, check_prompt, args.check_n)
            sequence = check_prompt + ref_new[:-1]
            ref_path = os.path.join(args.build, "%s_%s.ref.txt" % (mname, wtype))
            write_logits(ref_path, ref_logits)
            print("  numpy reference: %d positions in %.1f s" %
                  (len(sequence), time.time() - t0), file=sys.stderr)

            speed_prompt = fixed_tokens(shape["vocab"], args.prompt, 11)
            prompt_path = os.path.join(args.build, "%s.prompt.txt" % mname)
            with open(prompt_path, "w") as f:
                f.write(",".join(map(str, speed_prompt)) + "\n")

            usable = {}
            llama_loaded = True
            for e in engines:
                act_path = os.path.join(args.build, "%s_%s.%s.txt" % (
                    mname, wtype, e.name.replace(".", "")))
                msg = e.logits(path, sequence, act_path)
                if msg is not None:
                    if e is llama:
                        llama_loaded = False
                        skipped.append("%s %s: llama.cpp: %s" % (mname, wtype, msg))
                    else:
                        failed = True
                        checks.append((mname, wtype, e.name, msg, None, None,
                                       False, None, None))
                    continue
                tol = TOLERANCE[wtype]
                ok, worst, _ = compare(ref_path, act_path, tol)
                same, total = argmax_agreement(ref_logits, act_path)
                new, gmsg = e.generate(path, check_prompt, args.check_n)
                if gmsg is not None:
                    greedy = "failed: " + gmsg
                    gok = False
                elif new == ref_new:
                    greedy = "identical (%d)" % len(new)
                    gok = True
                else:
                    k = next((i for i, (a, b) in enumerate(zip(new, ref_new))
                              if a != b), min(len(new), len(ref_new)))
                    greedy = "first %d of %d identical" % (k, len(ref_new))
                    gok = False
                if wtype == "f32" and not (ok and gok):
                    failed = True
                checks.append((mname, wtype, e.name, None, worst, tol, ok,
                               "%d/%d" % (same, total), greedy))
                usable[e.name] = ok and (gok or wtype != "f32")
                print("  %s: logits max error %s (tol %g) %s, argmax %d/%d, "
                      "greedy %s" % (e.name, worst, tol, "ok" if ok else "FAIL",
                                     same, total, greedy), file=sys.stderr)
            if not llama_loaded:
                continue  # no speed row for a model llama.cpp cannot load

            for th in args.threads:
                row = {"load": os.getloadavg()[0]}
                for e in engines:
                    p, d, msg = e.speed(path, prompt_path, args.n, th, args.runs)
                    if msg is not None and e is not llama:
                        failed = True
                    row[e.name] = (p, d, msg, usable.get(e.name))
                    print("  %s, %d thread(s): prefill %s, decode %s tokens/s%s"
                          % (e.name, th, fmt_rate(p), fmt_rate(d),
                             " (" + msg + ")" if msg else ""), file=sys.stderr)
                speeds.append((mname, wtype, th, row))

    load_after = os.getloadavg()
    report = render(args, llama, started, load_before, load_after, checks,
                    speeds, skipped)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(report)
    print(report)
    return 1 if failed else 0


def render(args, llama, started, load_before, load_after, checks, speeds,
           skipped):
    """The markdown report."""
    L = []
    L.append("# Llama models: nlc next to llama.cpp")
    L.append("")
    L.append("- date: %s" % started.strftime("%Y-%m-%d %H:%M UTC"))
    L.append("- processor: %s" % cpu_line())
    L.append("- load average before / after: %.2f / %.2f (1 min)" %
             (load_before[0], load_after[0]))
    L.append("- llama.cpp: @node-llama-cpp/linux-x64 3.22.1, CPU backend %s, "
             "KV cache %s, flash attention %s, %s" %
             (llama.variant or "?", args.kv, args.flash,
              "threadpool polling %d" % args.poll if args.poll >= 0 else
              "no threadpool"))
    L.append("- nlc: %s" % (args.nlc or "not available (no examples/llama "
                            "program was built)"))
    L.append("- models: %s; weights seed %d" % ("; ".join(
        "%s = dim %d, %d layers, %d/%d heads, ffn %d, vocab %d" % (
            m, s["dim"], s["layers"], s["heads"], s["kv_heads"], s["ffn"],
            s["vocab"]) for m, s in MODELS.items() if m in args.models), SEED))
    L.append("- speed: prefill = %d prompt tokens in one batch, decode = %d "
             "tokens (%d single-token steps), best of %d runs" %
             (args.prompt, args.n, args.n - 1, args.runs))
    L.append("- correctness: %d-token check prompt and %d greedy tokens; logits "
             "of the %d positions against the float64 numpy reference "
             "(error relative to max(1, max |logit|) of the position)" %
             (args.check_prompt, args.check_n,
              args.check_prompt + args.check_n - 1))
    L.append("")
    L.append("## Correctness")
    L.append("")
    L.append("| model | type | engine | max logit error | tolerance | logits | "
             "argmax per position | free-running greedy tokens |")
    L.append("|---|---|---|---|---|---|---|---|")
    for m, t, e, msg, worst, tol, ok, am, greedy in checks:
        if msg is not None:
            L.append("| %s | %s | %s | failed: %s | | | | |" % (m, t, e, msg))
        else:
            L.append("| %s | %s | %s | %.3g | %g | %s | %s | %s |" % (
                m, t, e, worst if worst is not None else float("nan"), tol,
                "ok" if ok else "**differ**", am, greedy))
    L.append("")
    L.append("## Speed (tokens/s)")
    L.append("")
    L.append("| model | type | threads | llama.cpp prefill | llama.cpp decode | "
             "nlc prefill | nlc decode | nlc / llama.cpp prefill | "
             "nlc / llama.cpp decode | tokens and logits agree | load |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for m, t, th, row in speeds:
        lp, ld, lmsg, lok = row["llama.cpp"]
        if "nlc" in row:
            np_, nd, nmsg, nok = row["nlc"]
            if nmsg:
                nlc_cells = ["failed: " + nmsg, "", "", ""]
            else:
                nlc_cells = [fmt_rate(np_), fmt_rate(nd),
                             "%.2f" % (np_ / lp) if np_ and lp else "-",
                             "%.2f" % (nd / ld) if nd and ld else "-"]
        else:
            nok = None
            nlc_cells = ["not available"] * 2 + ["-"] * 2
        agree = "llama.cpp %s; nlc %s" % (
            "yes" if lok else "no",
            "n/a" if nok is None else ("yes" if nok else "no"))
        L.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %.1f |" % tuple(
            [m, t, th, fmt_rate(lp) if not lmsg else "failed: " + lmsg,
             fmt_rate(ld)] + nlc_cells + [agree, row["load"]]))
    if skipped:
        L.append("")
        L.append("## Skipped")
        L.append("")
        for s in skipped:
            L.append("- " + s)
    L.append("")
    L.append("\"agree\": logits within the type's tolerance and, for f32, the "
             "free-running greedy tokens identical to the reference's. "
             "\"load\": the 1-minute load average when the row started (the "
             "machine may be shared; on 2 vCPUs a load past 1 slows the "
             "2-thread rows most).")
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    sys.exit(main())

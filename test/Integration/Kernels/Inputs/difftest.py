#!/usr/bin/env python3
"""Differential tester for nlc's tile kernels.

Generates random tile-map kernels (random rank, tile shape, view sizes that
are mostly not tile multiples, and a random elementwise composition of tile
operations over two inputs and scalar constants; a third of the rank-2
cases are contractions, `x = dot(p, q[, y])` over a random K followed by
the composition as an epilogue; four in ten of those of i8 tiles into i32
with an integer epilogue (one in four of these a grid kernel's
`dot(x, transpose(w))`, see gen_int8_transposed), and half the rest of
bf16 or f16 tiles into f32, checked within a tolerance, see
gen_half_contraction; a quarter of the
other rank-2 cases are grid kernels that reduce whole rows or columns:
sums of products, maxima, minima, the row sums of i8 or bf16 products,
see gen_reduction), compiles them
with nlc, and compares every output element with the same expression evaluated by plain scalar host code
in the same program (the contraction as fused multiply-adds in k order,
which is how `dot` is defined). The two sides go through
different code paths (tile dialect and its CPU lowering vs. scalar MLIRGen),
so a disagreement is a miscompilation on one of them.

Floats are compared exactly: both sides do the same IEEE operations in the
same order and call the same libm functions. NaN equals NaN. The one
exceptions are the bf16 and f16 contraction and the sum reduction, whose
fast paths add in their own order: there each element must be within
1e-5 of the sum of the terms' magnitudes from the exact (f64) sum.

With --large every case is a contraction of views past the launch's
packing thresholds (contraction_sizes), so that the packed clones run.

Usage: difftest.py --nlc NLC --seed S --cases N [--per-program K] --workdir D
                   [--mutate] [--large] [--amx | --amx-native | --wgmma]
                   [--nlc-arg ARG ...] [--build-only | --run-only]
--nlc-arg passes an option to nlc (--nlc-arg=--target=nvptx64-nvidia-cuda
runs the kernels on a GPU). --build-only writes each program's executable
into the work directory and stops; --run-only runs those executables (on
another machine: the GPU's) instead of compiling, with the same arguments.
Prints one line per program and a final summary line:
  difftest: N cases, E elements compared, M mismatches
Exits 1 if there is any mismatch or a program fails to compile or run.
"""

import argparse
import os
import random
import re
import subprocess
import sys


def gen_expr(rng, depth):
    """Returns (tile expression, scalar expression) over x and y."""
    if depth == 0 or rng.random() < 0.25:
        leaf = rng.choice(["x", "y", "x", "y", "c"])
        if leaf == "c":
            c = rng.choice(["0.5", "2.0", "1.5", "-3.0", "0.25", "7.0"])
            return c, c
        return leaf, leaf
    kind = rng.choice(["bin", "bin", "bin", "un", "minmax", "where", "cast"])
    if kind == "bin":
        op = rng.choice(["+", "-", "*", "/"])
        at, ascal = gen_expr(rng, depth - 1)
        bt, bscal = gen_expr(rng, depth - 1)
        if at[0].isdigit() or at.startswith("-"):
            # A constant needs a tile on one side.
            at, ascal = "x", "x"
        return f"({at} {op} {bt})", f"({ascal} {op} {bscal})"
    at, ascal = gen_expr(rng, depth - 1)
    if at[0].isdigit() or at.startswith("-"):
        at, ascal = "y", "y"
    if kind == "un":
        fn = rng.choice(["neg", "abs", "sqrt", "exp", "tanh"])
        if fn == "neg":
            return f"(-{at})", f"(-{ascal})"
        if fn == "abs":
            return f"abs({at})", f"abs({ascal})"
        if fn == "sqrt":
            return f"sqrt(abs({at}))", f"sqrt(abs({ascal}))"
        if fn == "exp":
            return f"exp(min({at}, 10.0))", f"exp(min({ascal}, 10.0))"
        return f"tanh({at})", f"tanh({ascal})"
    if kind == "minmax":
        fn = rng.choice(["max", "min"])
        bt, bscal = gen_expr(rng, depth - 1)
        if bt[0].isdigit() or bt.startswith("-"):
            return f"{fn}({at}, {bt})", f"{fn}({ascal}, {bscal})"
        return f"{fn}({at}, {bt})", f"{fn}({ascal}, {bscal})"
    if kind == "where":
        bt, bscal = gen_expr(rng, depth - 1)
        cmp = rng.choice(["<", ">", "<=", ">=", "==", "!="])
        if bt[0].isdigit() or bt.startswith("-"):
            bt, bscal = "x", "x"
        return (f"where({at} {cmp} {bt}, {at}, {bt})",
                f"pick({ascal} {cmp} {bscal}, {ascal}, {bscal})")
    # cast through a narrower float and back
    t = rng.choice(["f16", "bf16"])
    return f"(({at} as {t}) as f32)", f"(({ascal} as {t}) as f32)"


def gen_case(rng, idx, seed, mutate=False, amx=False, wgmma=False,
             large=False):
    rank = 2 if large else rng.choice([1, 2])
    if rank == 1:
        tile = [rng.choice([16, 32, 64])]
        dims = [rng.randint(1, 300)]
    else:
        tile = [rng.choice([4, 8, 16]), rng.choice([8, 16, 32])]
        dims = [rng.randint(1, 70), rng.randint(1, 70)]
    contraction = rank == 2 and (large or
                                 rng.random() < (2 / 3 if amx or wgmma else
                                                 1 / 3))
    if contraction and amx:
        # Whole AMX tiles (16 x 16 blocks of the result).
        tile = [rng.choice([16, 32, 48]), rng.choice([16, 32, 48])]
    if contraction and wgmma:
        # What sm_90a's wgmma takes: M a multiple of 64, N of 8.
        tile = [rng.choice([64, 128]), rng.choice([8, 16, 24, 32, 48, 64])]
    texpr, sexpr = gen_expr(rng, rng.randint(1, 4))
    if texpr[0].isdigit() or texpr.startswith("-"):
        # The result must be a tile, not a bare constant.
        texpr, sexpr = f"(x * {texpr})", f"(x * {sexpr})"
    if mutate:
        # Self-test: a wrong kernel must be caught.
        texpr = f"(({texpr}) + 1.0)"
    shape = ", ".join(map(str, tile))
    d = ", ".join(map(str, dims))
    seeds = (seed * 7919 + idx * 3 + 1, seed * 7919 + idx * 3 + 2,
             seed * 7919 + idx * 3 + 3)
    if rank == 2 and not contraction and rng.random() < 0.25:
        return gen_reduction(rng, idx, seeds, mutate)
    if contraction and rng.random() < 0.4:
        return gen_int8_contraction(rng, idx, tile, dims, seeds, mutate, amx,
                                    wgmma, large)
    if contraction and (amx or wgmma or rng.random() < 0.5):
        return gen_half_contraction(rng, idx, tile, dims, seeds, mutate, amx,
                                    wgmma, large)
    if contraction:
        # x = dot(p, q[, y]): p is M x K, q is K x N, y is M x N.
        tk = rng.choice([4, 8, 16])
        dims, kdim = contraction_sizes(rng, dims, tk, "f32", large)
        with_acc = rng.random() < 0.5
        kernel = contraction_kernel(idx, tile, tk, "f32", "f32", with_acc,
                                    texpr)
        return kernel, contraction_body(
            idx, dims, kdim, "f32", "f32", seeds,
            "c.get(i, j)" if with_acc else "0.0",
            "s = fma(a.get(i, kk), b.get(kk, j), s);",
            f"!same(r.get(i, j), {sexpr})"), dims
    kernel = (f"@kernel\nfn k{idx}(x: Tile<{shape}, f32>, y: Tile<{shape}, f32>)"
              f" -> Tile<{shape}, f32> {{\n  return {texpr};\n}}\n")
    if rank == 1:
        loops = ("  for i in 0..%d {\n"
                 "    let x = a.get(i);\n    let y = b.get(i);\n"
                 "    total += 1;\n"
                 "    if !same(r.get(i), %s) { bad += 1; }\n  }\n"
                 % (dims[0], sexpr))
    else:
        loops = ("  for i in 0..%d {\n  for j in 0..%d {\n"
                 "    let x = a.get(i, j);\n    let y = b.get(i, j);\n"
                 "    total += 1;\n"
                 "    if !same(r.get(i, j), %s) { bad += 1; }\n  }\n  }\n"
                 % (dims[0], dims[1], sexpr))
    body = (f"fn case{idx}() -> i64 {{\n"
            f"  let a = Tensor::alloc([{d}], f32);\n"
            f"  let b = Tensor::alloc([{d}], f32);\n"
            f"  a.fill_random({seeds[0]});\n"
            f"  b.fill_random({seeds[1]});\n"
            f"  let r = k{idx}(a.view(), b.view());\n"
            f"  var bad = 0;\n  var total = 0;\n{loops}"
            f"  println(\"case {idx}: \", total, \" elements, \", bad, \" wrong\");\n"
            f"  return bad;\n}}\n")
    return kernel, body, dims


def gen_reduction(rng, idx, seeds, mutate):
    """A grid kernel that reduces whole rows (axis 1) or whole columns
    (axis 0) of a matrix, one tile per instance across the reduced axis:
    the sum of x * y (padding 0 on both, so padded elements add 0), or the
    max or min of x (padding -inf or +inf). Max and min must be exact;
    sums, which the fast paths add in their own order, within 1e-5 of the
    sum of the magnitudes of the f32 products. One in four row sums (by
    the case's index) also stores the products, which then have a buffer
    that the loop computing them sums as it goes (a softmax's `e` and
    `sum(e)`: x86 planFusedSums); each stored product must be the host's."""
    if idx % 8 == 3:
        # One in eight (by the case's index): the row sums of i8 products,
        # one in eight those of bf16 products.
        return gen_row_sums(rng, idx, seeds, mutate, "i8")
    if idx % 8 == 7:
        return gen_row_sums(rng, idx, seeds, mutate, "bf16")
    stored = idx % 4 == 1
    kind = "sum" if stored else rng.choice(["sum", "max", "min"])
    axis = 1 if stored else rng.choice([0, 1])
    # One row or one column a tile too: the shape of a softmax's rows.
    tile = [rng.choice([1, 4, 8, 16, 32, 64]), rng.choice([1, 8, 16, 32, 64, 128])]
    if stored:
        # Mostly a softmax's shape: few rows of at least 4 vectors.
        tile = [rng.choice([1, 3, 8, 32]), rng.choice([64, 100, 128, 16])]
    # The reduced axis fits in one tile; the other is ragged.
    dims = ([rng.randint(1, tile[0]), rng.randint(1, 150)] if axis == 0 else
            [rng.randint(1, 100), rng.randint(1, tile[1])])
    other = dims[1 - axis]
    shape = f"{tile[0]}, {tile[1]}"
    at = "[0, program_id(0)]" if axis == 0 else "[program_id(0), 0]"
    out = f"Tile<{tile[1 - axis]}, f32>"
    bump = " + 1.0" if mutate else ""
    if stored:
        kernel_body = (f"  let x: Tile<{shape}, f32> = load(a, {at});\n"
                       f"  let y: Tile<{shape}, f32> = load(b, {at});\n"
                       f"  let p = x * y;\n"
                       f"  let s: {out} = sum(p, {axis}){bump};\n"
                       f"  store(pr, {at}, p);\n")
    elif kind == "sum":
        kernel_body = (f"  let x: Tile<{shape}, f32> = load(a, {at});\n"
                       f"  let y: Tile<{shape}, f32> = load(b, {at});\n"
                       f"  let s: {out} = sum(x * y, {axis}){bump};\n")
    else:
        pad = "-1.0 / 0.0" if kind == "max" else "1.0 / 0.0"
        kernel_body = (f"  let pad: f32 = {pad};\n"
                       f"  let x: Tile<{shape}, f32> = load(a, {at}, pad=pad);\n"
                       f"  let s: {out} = {kind}(x, {axis}){bump};\n")
    kernel = (f"@kernel\nfn k{idx}(a: View<f32, 2>, b: View<f32, 2>, "
              f"r: View<f32, 1>, pr: View<f32, 2>) {{\n{kernel_body}"
              f"  store(r, [program_id(0)], s);\n}}\n")
    if axis == 0:
        elem_a, elem_b = "a.get(q, o)", "b.get(q, o)"
    else:
        elem_a, elem_b = "a.get(o, q)", "b.get(o, q)"
    if kind == "sum":
        step = (f"let t = (({elem_a} * {elem_b}) as f64); s += t; "
                f"m += abs(t);")
        if stored:
            step += f" if pr.get(o, q) != {elem_a} * {elem_b} {{ bad += 1; }}"
        init = "var s: f64 = 0.0;\n    var m: f64 = 0.0;"
        wrong = "!(abs((r.get(o) as f64) - s) <= 1e-5 * m)"
    else:
        fn = kind
        step = f"s = {fn}(s, {elem_a});"
        init = f"var s: f32 = {'-' if kind == 'max' else ''}1.0 / 0.0;"
        wrong = "!same(r.get(o), s)"
    tiles = f"({other} + {tile[1 - axis] - 1}) / {tile[1 - axis]}"
    body = (f"fn case{idx}() -> i64 {{\n"
            f"  let a = Tensor::alloc([{dims[0]}, {dims[1]}], f32);\n"
            f"  let b = Tensor::alloc([{dims[0]}, {dims[1]}], f32);\n"
            f"  let r = Tensor::alloc([{other}], f32);\n"
            f"  let pr = Tensor::alloc([{dims[0]}, {dims[1]}], f32);\n"
            f"  a.fill_random({seeds[0]});\n"
            f"  b.fill_random({seeds[1]});\n"
            f"  k{idx}(a.view(), b.view(), r.view(), pr.view(), grid=[{tiles}]);\n"
            f"  var bad = 0;\n  var total = 0;\n"
            f"  for o in 0..{other} {{\n"
            f"    {init}\n"
            f"    for q in 0..{dims[axis]} {{ {step} }}\n"
            f"    total += 1;\n"
            f"    if {wrong} {{ bad += 1; }}\n  }}\n"
            f"  println(\"case {idx}: \", total, \" elements, \", bad, \" wrong\");\n"
            f"  return bad;\n}}\n")
    return kernel, body, dims


def gen_row_sums(rng, idx, seeds, mutate, elem):
    """A grid kernel of the row sums of the products of two tiles of `elem`,
    one tile of rows per instance, padding 0 past the ragged edges:
    - "i8": into i32, `sum((x as i32) * (y as i32), 1)`, the int8 block dot
      products of a Q8_0 matrix-vector product. On x86: vpdpbusd on rows of
      whole 16-byte quads (AVX512-VNNI), vpmaddwd on rows of whole pairs of
      vectors, the other vector paths else. Integer sums are exact: every
      sum must equal the host's.
    - "bf16": into f32, `sum((x as f32) * (y as f32), 1)`, a BF16
      matrix-vector product's step. On x86 with AVX512-BF16: vdpbf16ps on
      rows of whole 32-element steps, in 4, 2 or 1 accumulators; the other
      vector paths else. Each sum must be within 1e-5 of the sum of the
      products' magnitudes from the exact (f64) sum, as the other sums."""
    int8 = elem == "i8"
    acc = "i32" if int8 else "f32"
    widths = ([16, 32, 48, 64, 96, 128, 20] if int8 else
              [32, 64, 96, 128, 256, 768, 20, 48])
    tile = [rng.choice([1, 4, 8, 16, 24, 32]), rng.choice(widths)]
    dims = [rng.randint(1, 100), rng.randint(1, tile[1])]
    shape = f"{tile[0]}, {tile[1]}"
    bump = (" + 1" if int8 else " + 1.0") if mutate else ""
    kernel = (f"@kernel\nfn k{idx}(a: View<{elem}, 2>, b: View<{elem}, 2>, "
              f"r: View<{acc}, 1>) {{\n"
              f"  let x: Tile<{shape}, {elem}> = load(a, [program_id(0), 0]);\n"
              f"  let y: Tile<{shape}, {elem}> = load(b, [program_id(0), 0]);\n"
              f"  let s: Tile<{tile[0]}, {acc}> = "
              f"sum((x as {acc}) * (y as {acc}), 1){bump};\n"
              f"  store(r, [program_id(0)], s);\n}}\n")
    if int8:
        init = "var s: i32 = 0;"
        step = "s += (a.get(o, q) as i32) * (b.get(o, q) as i32);"
        wrong = "r.get(o) != s"
    else:
        init = "var s: f64 = 0.0;\n    var m: f64 = 0.0;"
        step = ("let t = (a.get(o, q) as f64) * (b.get(o, q) as f64); "
                "s += t; m += abs(t);")
        wrong = "!(abs((r.get(o) as f64) - s) <= 1e-5 * m)"
    tiles = f"({dims[0]} + {tile[0] - 1}) / {tile[0]}"
    body = (f"fn case{idx}() -> i64 {{\n"
            f"  let a = Tensor::alloc([{dims[0]}, {dims[1]}], {elem});\n"
            f"  let b = Tensor::alloc([{dims[0]}, {dims[1]}], {elem});\n"
            f"  let r = Tensor::alloc([{dims[0]}], {acc});\n"
            f"  a.fill_random({seeds[0]});\n"
            f"  b.fill_random({seeds[1]});\n"
            f"  k{idx}(a.view(), b.view(), r.view(), grid=[{tiles}]);\n"
            f"  var bad = 0;\n  var total = 0;\n"
            f"  for o in 0..{dims[0]} {{\n"
            f"    {init}\n"
            f"    for q in 0..{dims[1]} {{ {step} }}\n"
            f"    total += 1;\n"
            f"    if {wrong} {{ bad += 1; }}\n  }}\n"
            f"  println(\"case {idx}: \", total, \" elements, \", bad, \" wrong\");\n"
            f"  return bad;\n}}\n")
    return kernel, body, dims


def gen_int8_contraction(rng, idx, tile, dims, seeds, mutate, amx=False,
                         wgmma=False, large=False):
    """x = dot(p, q[, y]) of i8 tiles into i32, then an integer epilogue;
    the host sums the products in i32. K steps of 4, 8, 12 and 16 take the
    x86 quad path (vpdpbusd) where AVX512-VNNI is present, 2 and 6 the
    pairs (vpmaddwd), 3 and 5 the reference loops; with `amx`, steps of 64
    and 128 the AMX tiles (tdpbssd), 96 the AMX tiles in steps of half
    their depth (32 takes the quads: only B stored in quads by the launch,
    which views this small do not reach, takes the tiles so), 16 the
    quads; with `wgmma`, steps of 32 and 64
    (m64nNk32)."""
    tk = rng.choice([64, 128, 64, 32, 96, 16] if amx else [32, 64] if wgmma else
                    [4, 8, 12, 16, 2, 6, 3, 5])
    dims, kdim = contraction_sizes(rng, dims, tk, "i8", large)
    with_acc = rng.random() < 0.5
    sexpr = rng.choice(["x", "(x + y)", "(x - y)", "max(x, y)"])
    texpr = f"(({sexpr}) + 1)" if mutate else sexpr
    if not amx and idx % 4 == 1:
        # One in four: the same product from a matrix stored by columns of
        # B (a weight matrix), dot(x, transpose(w)) in a grid kernel, K
        # tiles of 32 or 64 (x86: B's quads read from w's rows). Chosen by
        # the case's index, not the generator, so the other cases stay.
        kernel, body = gen_int8_transposed(idx, tile, dims,
                                           32 if idx % 8 == 1 else 64, kdim,
                                           with_acc, sexpr, texpr, seeds)
        return kernel, body, dims
    kernel = contraction_kernel(idx, tile, tk, "i8", "i32", with_acc, texpr)
    return kernel, contraction_body(
        idx, dims, kdim, "i8", "i32", seeds,
        "c.get(i, j)" if with_acc else "0",
        "s += (a.get(i, kk) as i32) * (b.get(kk, j) as i32);",
        f"r.get(i, j) != {sexpr}"), dims


def gen_int8_transposed(idx, tile, dims, tk, kdim, with_acc, sexpr, texpr,
                        seeds):
    """x = dot(p, transpose(w)[, y]) of i8 tiles into i32 over K tiles of
    `tk`, then the integer epilogue, as a grid kernel over A (M x K), W
    (N x K: row j holds column j of B) and C; each element must equal the
    host's i32 sum (`x`, `y` the element of C)."""
    bm, bn = tile
    init = "load(c, [i, j])" if with_acc else "zeros()"
    tx = re.sub(r"\by\b", "c0", re.sub(r"\bx\b", "acc", texpr))
    y_load = (f"  let c0: Tile<{bm}, {bn}, i32> = load(c, [i, j]);\n"
              if "c0" in tx else "")
    kernel = (f"@kernel\nfn k{idx}(a: View<i8, 2>, w: View<i8, 2>, "
              f"c: View<i32, 2>, kt: i64) {{\n"
              f"  let i = program_id(0);\n  let j = program_id(1);\n"
              f"  var acc: Tile<{bm}, {bn}, i32> = {init};\n"
              f"  for kk in 0..kt {{\n"
              f"    let x: Tile<{bm}, {tk}, i8> = load(a, [i, kk]);\n"
              f"    let wt: Tile<{bn}, {tk}, i8> = load(w, [j, kk]);\n"
              f"    acc = dot(x, transpose(wt), acc);\n  }}\n"
              f"{y_load}  store(c, [i, j], {tx});\n}}\n")
    m, n = dims
    loops = (f"  for i in 0..{m} {{\n  for j in 0..{n} {{\n"
             f"    var s: i32 = {'c0.get(i, j)' if with_acc else '0'};\n"
             f"    for kk in 0..{kdim} {{ s += (a.get(i, kk) as i32) * "
             f"(w.get(j, kk) as i32); }}\n"
             f"    let x = s;\n    let y = c0.get(i, j);\n"
             f"    total += 1;\n"
             f"    if c.get(i, j) != {sexpr} {{ bad += 1; }}\n  }}\n  }}\n")
    body = (f"fn case{idx}() -> i64 {{\n"
            f"  let a = Tensor::alloc([{m}, {kdim}], i8);\n"
            f"  let w = Tensor::alloc([{n}, {kdim}], i8);\n"
            f"  let c0 = Tensor::alloc([{m}, {n}], i32);\n"
            f"  a.fill_random({seeds[0]});\n"
            f"  w.fill_random({seeds[1]});\n"
            f"  c0.fill_random({seeds[2]});\n"
            f"  let c = c0.to(device::cpu());\n"
            f"  k{idx}(a.view(), w.view(), c.view(), {-(-kdim // tk)}, "
            f"grid=[{-(-m // bm)}, {-(-n // bn)}]);\n"
            f"  var bad = 0;\n  var total = 0;\n{loops}"
            f"  println(\"case {idx}: \", total, \" elements, \", bad, \" wrong\");\n"
            f"  return bad;\n}}\n")
    return kernel, body


def gen_half_contraction(rng, idx, tile, dims, seeds, mutate, amx=False,
                         wgmma=False, large=False):
    """x = dot(p, q[, y]) of bf16 or f16 tiles into f32, no epilogue. The
    fast paths multiply exactly but add in their own order (x86
    `vdpbf16ps` takes k in pairs, the GPU's `mma.sync` 16 at a time), so
    the host sums the products in f64 and each element must be within
    1e-5 of the sum of their magnitudes (K <= 70 roundings to f32 cost at
    most 70 * 2^-24 of it; larger K, half_tolerance). Even K steps take the x86 pairs, odd ones the
    reference loops; with `amx`, bf16 steps of 32 and 64 the AMX tiles
    (tdpbf16ps); with `wgmma`, bf16 steps of 16, 32 and 64 (m64nNk16)."""
    elem = rng.choice(["bf16", "bf16", "bf16", "f16"] if amx or wgmma else
                      ["bf16", "f16"])
    tk = rng.choice([32, 64, 32, 16] if amx else [16, 32, 64] if wgmma else
                    [2, 4, 8, 16, 32, 3])
    dims, kdim = contraction_sizes(rng, dims, tk, elem, large)
    with_acc = rng.random() < 0.5
    texpr = "(x + 1.0)" if mutate else "x"
    kernel = contraction_kernel(idx, tile, tk, elem, "f32", with_acc, texpr)
    init = "(c.get(i, j) as f64)" if with_acc else "0.0"
    return kernel, contraction_body(
        idx, dims, kdim, elem, "f64", seeds, init,
        "let t = (a.get(i, kk) as f64) * (b.get(kk, j) as f64); s += t; "
        "m += abs(t);",
        f"!(abs((r.get(i, j) as f64) - s) <= {half_tolerance(kdim)} * m)",
        result_elem="f32"), dims


def contraction_sizes(rng, dims, tk, elem, large):
    """The result's M x N and K of a contraction case: `dims` and K up to
    70, or with `large` views past the launch's packing thresholds
    (tile-pack-dot-operands packs only where every packed view has 32768
    elements, one f32 view 524288, and one f16 view 131072 to widen it),
    so that the packed clones run: K
    256-700 (f32: 600-1000), half the time a whole number of K tiles (a
    left operand AMX reads in place) and half not (one it packs)."""
    if not large:
        return dims, rng.randint(1, 70)
    kdim = rng.randint(600, 1000) if elem == "f32" else rng.randint(256, 700)
    if rng.random() < 0.5:
        kdim -= kdim % tk
    least = -(-32768 // kdim)
    widest = (-(-524288 // kdim) if elem == "f32" else
              -(-131072 // kdim) if elem == "f16" else least)
    return [rng.randint(least, least + 40),
            rng.randint(widest, widest + 64)], kdim


def half_tolerance(kdim):
    """How far a bf16 or f16 contraction's element may lie from the exact
    sum, as a fraction of the sum of the terms' magnitudes: the products
    are exact in f32, and each of the K additions (and the accumulator's)
    rounds by at most 2^-24 of it, in whatever order the fast path adds;
    twice that, and at least 1e-5 (as nlc source text)."""
    tolerance = 2 * (kdim + 1) * 2.0 ** -24
    return "1e-5" if tolerance <= 1e-5 else f"{tolerance:.3e}"


def contraction_kernel(idx, tile, tk, elem, acc_elem, with_acc, texpr):
    """The kernel of a contraction case: x = dot(p, q[, y]) of `elem` tiles
    (K step `tk`) into `acc_elem`, then `texpr`."""
    shape = ", ".join(map(str, tile))
    acc = ", y" if with_acc else ""
    return (f"@kernel\nfn k{idx}(p: Tile<{tile[0]}, {tk}, {elem}>, "
            f"q: Tile<{tk}, {tile[1]}, {elem}, Layout::ColMajor>, "
            f"y: Tile<{shape}, {acc_elem}>) -> Tile<{shape}, {acc_elem}> {{\n"
            f"  let x = dot(p, q{acc});\n  return {texpr};\n}}\n")


def contraction_body(idx, dims, kdim, elem, acc_elem, seeds, init, step,
                     wrong, result_elem=None):
    """The host side of a contraction case: A (M x K) and B (K x N) of
    `elem`, C (M x N) of `result_elem` (default `acc_elem`), filled at
    random, the kernel called on their views; then each element's sum `s`
    of `acc_elem` (and `m`, for a step that wants it), from `init`, `step`
    for each k in order, is `x` (`y` the element of C) and is wrong where
    `wrong` holds."""
    result_elem = result_elem or acc_elem
    magnitude = f"    var m: {acc_elem} = abs(s);\n" if "m +=" in step else ""
    loops = (f"  for i in 0..{dims[0]} {{\n  for j in 0..{dims[1]} {{\n"
             f"    var s: {acc_elem} = {init};\n{magnitude}"
             f"    for kk in 0..{kdim} {{ {step} }}\n"
             f"    let x = s;\n    let y = c.get(i, j);\n"
             f"    total += 1;\n"
             f"    if {wrong} {{ bad += 1; }}\n  }}\n  }}\n")
    return (f"fn case{idx}() -> i64 {{\n"
            f"  let a = Tensor::alloc([{dims[0]}, {kdim}], {elem});\n"
            f"  let b = Tensor::alloc([{kdim}, {dims[1]}], {elem});\n"
            f"  let c = Tensor::alloc([{dims[0]}, {dims[1]}], {result_elem});\n"
            f"  a.fill_random({seeds[0]});\n"
            f"  b.fill_random({seeds[1]});\n"
            f"  c.fill_random({seeds[2]});\n"
            f"  let r = k{idx}(a.view(), b.view(), c.view());\n"
            f"  var bad = 0;\n  var total = 0;\n{loops}"
            f"  println(\"case {idx}: \", total, \" elements, \", bad, \" wrong\");\n"
            f"  return bad;\n}}\n")


PRELUDE = """// Generated by difftest.py: random tile kernels vs. scalar host code.
fn same(a: f32, b: f32) -> bool { return a == b || (a != a && b != b); }
fn pick(c: bool, a: f32, b: f32) -> f32 {
  if c { return a; }
  return b;
}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nlc", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--per-program", type=int, default=25)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--mutate", action="store_true",
                    help="change every kernel (self-test: must report mismatches)")
    ap.add_argument("--amx", action="store_true",
                    help="contractions of whole AMX tiles, compiled with "
                         "--amx-emulation (X86Amx.cpp)")
    ap.add_argument("--amx-native", action="store_true",
                    help="as --amx, run on the CPU's own AMX tiles (a CPU with "
                         "amx-bf16 and amx-int8; nlc's default -mcpu=native)")
    ap.add_argument("--large", action="store_true",
                    help="contractions only, of views large enough for the "
                         "launch to pack their operands (the packed clones "
                         "of tile-pack-dot-operands)")
    ap.add_argument("--wgmma", action="store_true",
                    help="contractions of the tile shapes sm_90a's wgmma "
                         "takes (M a multiple of 64), for the GPU target")
    ap.add_argument("--nlc-arg", action="append", default=[],
                    help="an option for nlc (repeatable)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--build-only", action="store_true",
                      help="write the executables into the work directory, run nothing")
    mode.add_argument("--run-only", action="store_true",
                      help="run the executables --build-only wrote")
    args = ap.parse_args()
    if args.amx:
        args.nlc_arg.append("--amx-emulation")
    elif args.amx_native:
        args.amx = True
    os.makedirs(args.workdir, exist_ok=True)
    rng = random.Random(args.seed)
    total_cases = total_elems = total_bad = 0
    failures = 0
    start = 0
    while start < args.cases:
        n = min(args.per_program, args.cases - start)
        kernels, bodies, calls = [], [], []
        for i in range(start, start + n):
            k, b, _ = gen_case(rng, i, args.seed, args.mutate, args.amx,
                               args.wgmma, args.large)
            kernels.append(k)
            bodies.append(b)
            calls.append(f"  bad += case{i}();\n")
        src = (PRELUDE + "\n".join(kernels) + "\n".join(bodies) +
               "fn main() -> i32 {\n  var bad = 0;\n" + "".join(calls) +
               "  if bad != 0 { return 1; }\n  return 0;\n}\n")
        path = os.path.join(args.workdir, f"difftest_{args.seed}_{start}.nl")
        exe = path[:-3]
        if args.run_only:
            cmd = [exe]
        else:
            with open(path, "w") as f:
                f.write(src)
            cmd = [args.nlc] + args.nlc_arg + ["--run", path]
        if args.build_only:
            proc = subprocess.run([args.nlc] + args.nlc_arg + [path, "-o", exe],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                failures += 1
                sys.stderr.write(f"{path}: nlc exited {proc.returncode}\n"
                                 f"{proc.stderr[-2000:]}\n")
            start += n
            continue
        proc = subprocess.run(cmd, capture_output=True, text=True)
        elems = bad = 0
        for line in proc.stdout.splitlines():
            if line.startswith("case "):
                parts = line.split()
                elems += int(parts[2])
                bad += int(parts[4])
        if proc.returncode not in (0, 1) or elems == 0:
            failures += 1
            sys.stderr.write(f"{path}: nlc exited {proc.returncode}\n"
                             f"{proc.stderr[-2000:]}\n")
        elif bad:
            sys.stderr.write(f"{path}: {bad} mismatches\n")
        print(f"program {start // args.per_program}: {n} cases, "
              f"{elems} elements, {bad} mismatches")
        total_cases += n
        total_elems += elems
        total_bad += bad
        start += n
    if args.build_only:
        print(f"difftest: {args.cases} cases built, {failures} failed programs")
        return 1 if failures else 0
    print(f"difftest: {total_cases} cases, {total_elems} elements compared, "
          f"{total_bad} mismatches, {failures} failed programs")
    return 1 if total_bad or failures else 0


if __name__ == "__main__":
    sys.exit(main())

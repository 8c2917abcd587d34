//===- Passes.td - Hardware-neutral tile passes ------------*- tablegen -*-===//
//
// Passes on the tile dialect that every target runs. Each is implemented in
// the .cpp file named after it.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TILE_TRANSFORMS_PASSES
#define NLC_TILE_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def TileInlineKernels : Pass<"tile-inline-kernels", "::mlir::ModuleOp"> {
  let summary = "Inline every call to a kernel, then drop unlaunched kernels";
  let description = [{
    Kernels are functions marked `tile.kernel`. A kernel that takes or
    returns tiles can only run inside another kernel: this pass inlines
    every call to a kernel (repeatedly, so calls inside inlined bodies are
    inlined too), then erases the kernels that no `tile.launch` names. What
    remains are the grid kernels, whose signatures hold views and scalars
    only, so that no tile crosses a function boundary. Recursion is
    reported (Sema rejects it in source programs).

    ```mlir
    func.func private @twice(%t: !tile.tile<16xf32>) -> !tile.tile<16xf32>
        attributes {tile.kernel} {
      %r = tile.add %t, %t : !tile.tile<16xf32>
      return %r : !tile.tile<16xf32>
    }
    func.func private @k(%v: memref<?xf32, strided<[?], offset: ?>>)
        attributes {tile.kernel} {
      ...
      %r = func.call @twice(%t) : (!tile.tile<16xf32>) -> !tile.tile<16xf32>
      ...
    }
    ```
    becomes `@k` with `tile.add` in place of the call; `@twice` is erased.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def TileFuseElementwise : Pass<"tile-fuse-elementwise"> {
  let summary = "Fuse trees of elementwise ops into tile.fused";
  let description = [{
    Each elementwise op (other than `tile.splat`) takes in, as one
    `tile.fused` op, the elementwise ops whose result only it uses (in the
    same block), and the `tile.splat` and `tile.broadcast` ops feeding it,
    which become scalar and broadcast inputs. Applied in order, trees of any
    depth become one op, which a backend computes in one pass over the
    elements. Values used more than once stay tiles. A tree whose result is
    an `i1` tile is left alone (such tiles have no vector buffer). Results
    are unchanged bit for bit: the fused body is the ops' own scalar code.
    ```mlir
    %m = tile.broadcast %max along 1 : !tile.tile<1xf32> -> !tile.tile<1x1024xf32>
    %d = tile.sub %t, %m : !tile.tile<1x1024xf32>
    %e = tile.exp %d : !tile.tile<1x1024xf32>
    ```
    becomes
    ```mlir
    %e = tile.fused(%t, %max) broadcast [-1, 1]
        : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
    ^bb0(%x: f32, %mx: f32):
      %d = arith.subf %x, %mx : f32
      %r = math.exp %d : f32
      tile.yield %r : f32
    }
    ```
  }];
}

def TilePackDotOperands : Pass<"tile-pack-dot-operands", "::mlir::ModuleOp"> {
  let summary = "Pack views read only as dot operands into tiles, once per launch";
  let description = [{
    For each `tile.launch`, a rank-2 view argument of the kernel whose every
    use is a `tile.load` of one tile shape, element type and constant pad
    value, each loaded tile used only as a `tile.dot` operand (not its
    accumulator), is copied once per launch into a tensor of tiles
    (`[ceil(rows / TM), ceil(cols / TK), TM, TK]`, the ragged tiles padded
    with the load's pad value) by a grid of copies (`@k.pack<n>`, one
    program per tile), and a clone of the kernel (`@k.packed`, one more
    argument per packed view) loads tile `[ti, tj, 0, 0]` of it instead.
    A view loaded as the left operand of an f16 or bf16 `dot` is packed
    only with `pack-narrow-float-lhs`, of an f32 `dot` only with
    `pack-f32-lhs` (the default). With `i8-lhs-in-place`, a kernel whose
    packed views include an i8 left operand gets a second packed clone
    (`@k.packed_0`) without it, which the launch runs where that operand's
    rows are a whole number of tiles of fewer than 4096 bytes (read in
    place there), the first elsewhere; `bf16-lhs-in-place` does the same
    for a bf16 left operand, packed only where its rows are not a whole
    number of tiles. With `pack-rhs-pairs`, a bf16 view read
    only as right operands, its tiles of an even number of rows, is stored
    with each tile's rows paired (`tile.pair_rows`, a tensor
    `[.., .., TK/2, 2*TN]`), and the packed kernel reads
    `tile.unpair_rows` of that tile. With `pack-rhs-quads`, an i8 view read
    only as right operands, its tiles of a multiple of 4 rows, is stored
    with each tile's rows in quads (`tile.pair_rows group 4`, a tensor
    `[.., .., TK/4, 4*TN]`), read through `tile.unpair_rows group 4`.
    With `pair-blocks`, grouped tiles are stored in blocks of `pair-columns`
    columns (`tile.pair_rows ... block c`, `[.., .., (TN/c)(TK/g), g*c]`).
    With
    `bias-i8-lhs`, a packed i8 left operand is stored with -128 added to
    each byte (wrapping; its pad value too), and the packed kernel adds -128
    to the tile it loads, which gives the bytes back.
    With `widen-f16`, the f16 views a kernel's f16 `dot`s read (left
    operands included) are stored widened to f32, which is exact, when
    every such `dot` reads both its operands from views packed so: the
    packed kernel's `dot`s are then f32 `dot`s on the widened tiles, which
    compute the same fused multiply-adds in the same order.
    Results are unchanged bit for bit.
    A right operand of other than f32 elements whose `dot`s all take their
    left operand from one rank-2 view argument is packed only when that
    view has more than one row tile (otherwise each of its tiles is read
    once).
    A backend may restrict `i8-lhs-in-place` and `bf16-lhs-in-place` to
    the `dot`s it reads A in place for (createTilePackDotOperands with a
    predicate: x86 passes the products AMX runs).
    The launch takes the packed form only
    when every packed view has at least `min-elements` elements (and, when
    they are all f32, one of them at least `min-f32-elements`; all i8,
    `min-i8-elements`; all f16 widened, `min-widened-elements`) and its base
    pointer differs from that of every other view the kernel may write
    (checked at run time); otherwise it runs as before. Runs after
    `tile-inline-kernels`, before the launch lowering.

    ```mlir
    tile.launch @mm[%tm, %tn](%a, %b, %c, %kt) : ...
    ```
    becomes
    ```mlir
    scf.if %pays {
      %pa = memref.alloc(%tma, %tka) : memref<?x?x64x32xf32>
      tile.launch @mm.pack0[%tma, %tka](%a, %pa_view) : ...
      ...
      tile.launch @mm.packed[%tm, %tn](%a, %b, %c, %kt, %pa_view, %pb_view) : ...
      memref.dealloc %pa : memref<?x?x64x32xf32>
      ...
    } else {
      tile.launch @mm[%tm, %tn](%a, %b, %c, %kt) : ...
    }
    ```
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", "32768",
           "Pack a view only from this many elements (rows x columns)">,
    Option<"minF32Elements", "min-f32-elements", "int64_t", "524288",
           "Pack f32 views only when one of them has this many elements "
           "(below it, the x86 lowering's K loops read the tiles in place "
           "at the view's row stride, which measured faster)">,
    Option<"minI8Elements", "min-i8-elements", "int64_t", "131072",
           "Pack i8 views only when one of them has this many elements "
           "(below it, the x86 lowering's K loops, which pack B's quads and "
           "bias A per instance from any row stride when the launch does "
           "not, measured faster without the launch's copies)">,
    Option<"minWidenedElements", "min-widened-elements", "int64_t", "131072",
           "Pack f16 views widened (widen-f16) only when one of them has this "
           "many elements (below it, the x86 lowering's K loops, which widen "
           "each instance's tiles from any row stride, measured faster "
           "unpacked: 256^3 1.02-1.04x on a Zen 4)">,
    Option<"packF32Lhs", "pack-f32-lhs", "bool", "true",
           "Pack views loaded as the left operand of an f32 dot (the x86 "
           "micro-kernel reads A's tiles at their row stride as fast)">,
    Option<"packNarrowFloatLhs", "pack-narrow-float-lhs", "bool", "false",
           "Also pack views loaded as the left operand of an f16 or bf16 dot "
           "(the x86 micro-kernel widens that operand into a buffer anyway, "
           "so packing it only adds a pass)">,
    Option<"widenF16", "widen-f16", "bool", "false",
           "Store packed f16 views widened to f32, left operands included, "
           "where every f16 dot reads both operands from such views: the "
           "packed kernel multiplies f32 tiles (for a backend that widens "
           "f16 operands to f32 anyway: x86, once per launch instead of "
           "once per program instance)">,
    Option<"i8LhsInPlace", "i8-lhs-in-place", "bool", "false",
           "Where an i8 left operand's rows are a whole number of tiles and "
           "under 4 KiB long, read it in place rather than packing it (a "
           "second packed clone, with only the other views packed): AMX's "
           "tdpbssd, whose A needs no bias, reads such rows as fast">,
    Option<"bf16LhsInPlace", "bf16-lhs-in-place", "bool", "false",
           "The same for a bf16 left operand (planned even without "
           "pack-narrow-float-lhs), packed only where its rows are not a "
           "whole number of tiles: AMX's tdpbf16ps reads such rows in place "
           "as fast, and a ragged last tile would run the K loop's last step "
           "as written">,
    Option<"packRhsPairs", "pack-rhs-pairs", "bool", "false",
           "Store packed bf16 right operands with their rows paired "
           "(tile.pair_rows, K even), which the packed kernel unpairs "
           "(tile.unpair_rows): for a backend whose dot reads B in pairs "
           "along K (x86 vdpbf16ps) in place">,
    Option<"packRhsQuads", "pack-rhs-quads", "bool", "false",
           "Store packed i8 right operands with their rows in quads "
           "(tile.pair_rows group 4, K a multiple of 4), which the packed "
           "kernel ungroups (tile.unpair_rows group 4): for a backend whose "
           "dot reads B in quads of bytes along K (x86 vpdpbusd) in place">,
    Option<"biasI8Lhs", "bias-i8-lhs", "bool", "false",
           "Store packed i8 left operands biased, -128 added to every byte "
           "(wrapping: the top bit flipped), which the packed kernel adds "
           "back (tile.add of a splat of -128): for a backend whose dot "
           "multiplies unsigned left bytes (x86 vpdpbusd) and can read "
           "them so">,
    Option<"pairColumns", "pair-columns", "int64_t", "1",
           "With pack-rhs-pairs or pack-rhs-quads: group only tiles whose "
           "columns are a multiple of this (the backend's vector lanes: x86 "
           "groups and ungroups such rows with vector shuffles)">,
    Option<"pairBlocks", "pair-blocks", "bool", "false",
           "With pack-rhs-pairs or pack-rhs-quads: store each grouped tile "
           "in blocks of pair-columns columns, one below the other "
           "(tile.pair_rows block, rows of 64 bytes for 16 columns: each "
           "block's rows one run of memory, as x86 AMX tile loads read "
           "them best)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // NLC_TILE_TRANSFORMS_PASSES

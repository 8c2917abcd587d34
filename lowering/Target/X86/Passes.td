//===- Passes.td - x86 backend passes ----------------------*- tablegen -*-===//

#ifndef NLC_LOWERING_TARGET_X86_PASSES
#define NLC_LOWERING_TARGET_X86_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTileToX86 : Pass<"convert-tile-to-x86", "::mlir::ModuleOp"> {
  let summary = "Lower tile ops to vector code for x86 (AVX-512 or AVX2)";
  let description = [{
    The x86 lowering of the tile dialect: the reference lowering
    (`convert-tile-to-scf`) with faster patterns for the ops it makes fast,
    which take precedence where they match. The vector width comes from the
    module's `nlc.target` (512 bits with AVX-512F, 256 with AVX2 and FMA,
    none otherwise, when everything stays on the reference), or from
    `vector-bits` for tests.

    - `tile.dot` into f32 (of f32, f16 or bf16 tiles, widened to f32 as
      they are read): a register-blocked micro-kernel. Output blocks of
      6 rows by 4 vectors (AVX-512: 24 zmm accumulators) or 6 by 2 (AVX2)
      stay in registers over the whole K loop; each step loads one row of
      the right operand per vector, broadcasts one left element per row and
      issues one FMA per accumulator. Ragged columns use masked vector loads
      and stores; ragged rows a smaller block. An accumulator used only by
      the `dot` is updated in place.
    - `tile.dot` of bf16 with AVX512-BF16 (and an even K): the same blocks,
      two k per step with `vdpbf16ps`, after packing B into pairs of rows
      (interleaved), with A's pair broadcast as one word. Rounds after each
      product of a pair and flushes subnormals: not bit-identical to the
      reference (see docs/Kernels.md for the bound).
    - `tile.dot` of bf16 into f32 (AMX-BF16) or i8 into i32 (AMX-INT8) of
      whole AMX tiles (M, N multiples of 16, K of 32 bf16 or 64 i8; 32 i8
      in half steps where the `dot` starts from zero or its K loop reads B
      stored in quads): tdpbf16ps / tdpbssd on the tile registers, B
      packed in pairs or quads, blocks of 2 x 2 accumulator tiles (zeroed
      where the `dot` starts from zero) carried through the k loop
      (X86Amx.cpp); `amx` for tests, or a module marked nlc.amx_emulation
      (then `x86-emulate-amx` emulates the tiles).
    - `tile.dot` of i8 into i32 with an even K: pairs of k widened to i16
      with `vpmaddwd`; with AVX512-VNNI and K a multiple of 4, four k per
      step with `vpdpbusd` on B packed into quads of rows and A biased to
      unsigned bytes (A + 128), the bias's 128 * (column sums of B)
      subtracted from the accumulators. Integer sums wrap: both equal the
      reference bit for bit.

    - `tile.load` and `tile.store` of 8- to 64-bit elements: row-by-row
      vector copies between the view and the buffer when the view's inner
      stride is 1 (every view the language makes): whole vectors when the
      tile lies inside the view, masked vectors and the pad value at its
      edges; the reference element loop for any other stride. A load whose
      one use is an operand of a micro-kernel `tile.dot` (nothing that
      writes memory in between) skips the copy when its tile lies inside
      the view with contiguous rows (row stride = tile width: a tile of a
      packed tensor), or at any row stride where the `dot` packs it (B in
      pairs or quads) or widens it (an f16 A) first, or reads it on AMX;
      the micro-kernel then reads the view in place. Loads of short runs
      in a loop over a view of 8 MiB or more prefetch 8 tiles ahead, except
      on AMD Zen targets (`stream-ahead`). The
      store of a `dot`'s result of 16 KiB or more that accumulated at most
      512 k, into a view of 8 MiB or more, aligned (checked at run time),
      uses non-temporal vector stores and an `sfence`; so does the store of
      a tile of 8 KiB or more computed from loaded tiles (32 KiB or more
      where it reads a tile computed before, from no `dot`), into a view
      of 16 MiB or more.
    - Elementwise ops (every `ElementwiseOpInterface` op): the op's scalar
      code built on vectors, over the whole buffer in vectors of the
      register width (for the widest type; 16-bit floats in f32 lanes),
      ending in one masked vector. exp/log/tanh/erf become the vector form
      of the same polynomials (`nlc-approximate-math`). Tiles of i1 and f64
      exp/log/tanh/erf stay on the reference. With 512-bit vectors on
      any CPU but AMD's Zen, an f32 division by one value (a softmax's
      `e / sum(e)`) multiplies by its reciprocal and takes two FMA
      corrections, correctly rounded, where the divisor and every lane's
      dividend lie in the range that keeps this exact; other vectors
      divide.
    - `tile.broadcast`: row copies or splats, masked at the row end.
    - `tile.reduce` of rank 2: one line per lane (a column along 0, a row
      along 1, read by gathers), combined in the reference's order. Rank 1:
      sum/max/min in one accumulator vector, then across the lanes.

    The loops of kernel functions whose trip count is known only at run
    time carry `loop_annotation` (LLVM's `llvm.loop.unroll.disable`): the
    lowering has unrolled their bodies as far as pays.

    Results equal the reference lowering's bit for bit (`tile.dot` is
    defined with fused multiply-adds in k order, which the f32 micro-kernel
    keeps), except the bf16 `vdpbf16ps` dot and rank-1 float sums, whose
    additions are reordered (bounded in docs/Kernels.md and X86Reduce.cpp).
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"0",
           "Vector width in bits (512, 256); 0 reads the module's target">,
    Option<"bf16Dot", "bf16-dot", "bool", /*default=*/"false",
           "With vector-bits=512: bf16 dot with vdpbf16ps (AVX512-BF16)">,
    Option<"vnniDot", "vnni-dot", "bool", /*default=*/"false",
           "With vector-bits=512: i8 dot and row sums of i8 products with "
           "vpdpbusd (AVX512-VNNI; row sums on ymm and xmm too, AVX512VL)">,
    Option<"amx", "amx", "bool", /*default=*/"false",
           "With vector-bits=512: bf16 and i8 dot of whole tiles on AMX">,
    Option<"f32ChunkK", "f32-chunk-k", "unsigned", /*default=*/"0",
           "k per chunk of an f32 K loop whose tiles of B follow each other "
           "in memory; 0: 2048 where the target has AMX, else the 256 of "
           "other loops">,
    Option<"streamAhead", "stream-ahead", "int", /*default=*/"-1",
           "Loads of short runs in a loop over a large view prefetch 8 "
           "tiles ahead: 1 on, 0 off; -1 on unless the module's target CPU "
           "is an AMD Zen (znver*)">,
    Option<"smallCode", "small-code", "bool", /*default=*/"false",
           "Code size over speed: a tile load or store is one masked copy, "
           "without a second, unmasked one for tiles wholly inside their "
           "view (the unikernel image)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::x86vector::X86VectorDialect",
    "::mlir::amx::AMXDialect",
  ];
}

def X86EmulateAmx : Pass<"x86-emulate-amx", "::mlir::ModuleOp"> {
  let summary = "Replace AMX tile ops by vector code (a test of the AMX lowering)";
  let description = [{
    In a module marked `nlc.amx_emulation` (nlc --amx-emulation), replaces
    the `amx` dialect's tile ops that `convert-tile-to-x86` made by vector
    code with their semantics: a tile becomes a vector of its shape,
    `tile_load`/`tile_store` row-by-row vector loads and stores,
    `tile_mulf` (tdpbf16ps) and `tile_muli` (tdpbssd) a call, in an
    alloca scope, of a function of loops (one per shape, created in the
    module) that adds their products in the order Intel describes (for
    each row, each pair or quad of k in order, one rounding per product),
    without the instructions' flushing of subnormals. The AMX
    lowering then runs, slowly, on any AVX-512 CPU, and its results can be
    checked against the reference where no CPU has AMX. Other modules are
    left as they are.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def X86PackDotOperands : Pass<"x86-pack-dot-operands", "::mlir::ModuleOp"> {
  let summary = "tile-pack-dot-operands as the x86 Linux pipeline runs it";
  let description = [{
    Runs `tile-pack-dot-operands` with the options for the module's target
    (`nlc.target`): f32 left operands are not packed (the micro-kernel
    broadcasts A's elements at any row stride as fast), and where the
    target has AVX-512F and AVX512-BF16, bf16 right operands are stored
    with their rows paired (`pack-rhs-pairs`), which the `vdpbf16ps` K
    loops read in place instead of pairing each instance's tiles again;
    where it has AVX-512F and AVX512-VNNI, i8 right operands are stored
    with their rows in quads (`pack-rhs-quads`), and, without AMX (real or
    emulated), i8 left operands with -128 added to each byte
    (`bias-i8-lhs`): the `vpdpbusd` K loops read both in place. `rhs-pairs`
    and `rhs-quads` (quads and bias) decide that for a module without a
    target (tests).
  }];
  let options = [
    Option<"rhsPairs", "rhs-pairs", "bool", /*default=*/"false",
           "Without a module target: store bf16 right operands in pairs">,
    Option<"rhsQuads", "rhs-quads", "bool", /*default=*/"false",
           "Without a module target: store i8 right operands in quads and "
           "i8 left operands biased">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // NLC_LOWERING_TARGET_X86_PASSES

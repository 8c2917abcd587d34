//===- Passes.td - CPU lowering passes ---------------------*- tablegen -*-===//

#ifndef NLC_LOWERING_CPU_PASSES
#define NLC_LOWERING_CPU_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTileToSCF : Pass<"convert-tile-to-scf", "::mlir::ModuleOp"> {
  let summary = "Lower tile ops to loops over memref buffers (the CPU reference)";
  let description = [{
    The correct-first CPU lowering of the tile dialect. Every tile value
    becomes a buffer of its shape, every tile op a loop nest (`scf.for`) of
    scalar arith/math ops; elementwise ops use the scalar code of their
    `ElementwiseOpInterface`, and encodings on tile types are ignored.

    Buffers are `memref.alloca`s, except tiles larger than 64 KiB, and
    buffers past 256 KiB of stack in one function, loop or `scf.parallel`
    body: these are `memref.alloc`s, freed by a `memref.dealloc` at the end
    of the block that allocates them. A tile carried by `scf.for` or yielded
    by `scf.if` is copied into a buffer allocated before the loop or the
    `if`, and loop and `scf.parallel` bodies save and restore the stack
    pointer, so neither stack nor heap use grows with the trip count.

    The pass fails, with an error, on what must not reach it: functions
    that take or return tiles (tiles do not cross function boundaries here:
    kernels on tiles are inlined first), `tile.program_id` and
    `tile.num_programs` (the launch lowering replaces them by arguments
    first), and tiles larger than 1 GiB. Fast backends (AVX-512, AMX,
    tensor cores) replace this lowering op by op; this one defines the
    expected results.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // NLC_LOWERING_CPU_PASSES

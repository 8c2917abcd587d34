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

    With `mark-element-loops`, the outermost loop of each nest over a tile's
    elements keeps an attribute, `nlc.element_loops`, that says which loops
    of the nest are independent (all but a contraction's k loop), for the
    GPU lowering that spreads them over a block's threads.
  }];
  let options = [
    Option<"markElementLoops", "mark-element-loops", "bool", "false",
           "Keep the nlc.element_loops attribute on element loop nests">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def ConvertTileLaunchToSCF
    : Pass<"convert-tile-launch-to-scf", "::mlir::ModuleOp"> {
  let summary = "Lower tile.launch to a parallel loop calling the kernel";
  let description = [{
    The CPU form of a launch. Each launched kernel gets six trailing `index`
    arguments, its position in the grid and the grid's sizes, which replace
    `tile.program_id` and `tile.num_programs`; each `tile.launch` becomes an
    `scf.parallel` over the grid (missing axes have size 1) that calls the
    kernel once per point. A grid query outside a launched kernel is an
    error. Runs after `tile-inline-kernels`, before `convert-tile-to-scf`.

    ```mlir
    tile.launch @k[%n](%x) : memref<?xf32, strided<[?], offset: ?>>
    ```
    becomes
    ```mlir
    scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%n, %c1, %c1) step ... {
      func.call @k(%x, %i, %j, %k, %n, %c1, %c1) : (...) -> ()
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // NLC_LOWERING_CPU_PASSES

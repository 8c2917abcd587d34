//===- Passes.td - CPU lowering passes ---------------------*- tablegen -*-===//

#ifndef NLC_LOWERING_CPU_PASSES
#define NLC_LOWERING_CPU_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTileToSCF : Pass<"convert-tile-to-scf", "::mlir::ModuleOp"> {
  let summary = "Lower tile ops to loops over memref buffers (the CPU reference)";
  let description = [{
    The correct-first CPU lowering of the tile dialect. Every tile value
    becomes a `memref.alloca` buffer of its shape, every tile op a loop nest
    (`scf.for`) of scalar arith/math ops. A tile carried by `scf.for` or
    yielded by `scf.if` is copied into a buffer allocated before the loop or
    the `if`, and loop and `scf.parallel` bodies save and restore the stack
    pointer, so stack use does not grow with the trip count.
    Tiles must not cross function boundaries (MLIRGen inlines kernels). `tile.program_id` and
    `tile.num_programs` become calls to the runtime (`nl_program_id`,
    `nl_num_programs`). Fast backends (AVX-512, AMX, tensor cores) replace
    this lowering op by op; this one defines the expected results.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
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

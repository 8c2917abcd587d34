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

#endif // NLC_LOWERING_CPU_PASSES

//===- Passes.td - CPU lowering passes ---------------------*- tablegen -*-===//

#ifndef NLC_LOWERING_CPU_PASSES
#define NLC_LOWERING_CPU_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTileToSCF : Pass<"convert-tile-to-scf", "::mlir::ModuleOp"> {
  let summary = "Lower tile ops to loops over memref buffers (the CPU reference)";
  let description = [{
    The correct-first CPU lowering of the tile dialect. Every tile value
    becomes a `memref.alloc` buffer of its shape, every tile op a loop nest
    (`scf.for`) of scalar arith/math ops; tiles carried by `scf.for` and
    `scf.if` become memrefs as well. Run the buffer deallocation pipeline
    afterwards to free the buffers. `tile.program_id` and
    `tile.num_programs` become calls to the runtime (`nl_program_id`,
    `nl_num_programs`). Fast backends (AVX-512, AMX, tensor cores) replace
    this lowering op by op; this one defines the expected results.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

#endif // NLC_LOWERING_CPU_PASSES

//===- Passes.td - nlc lowering passes ---------------------*- tablegen -*-===//
//
// Passes of the host lowering (see Pipeline.cpp). Each is implemented in the
// .cpp file named after it.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_LOWERING_PASSES
#define NLC_LOWERING_PASSES

include "mlir/Pass/PassBase.td"

def ProfileFunctions : Pass<"nlc-profile-functions", "mlir::ModuleOp"> {
  let summary = "Count calls and cycles of every function (nlc --profile)";
  let description = [{
    Instruments every `llvm.func` with a body: the entry reads the cycle
    counter (`llvm.readcyclecounter`, rdtsc on x86), and every `llvm.return`
    reads it again and adds 1 call and the elapsed cycles to the function's
    `NlProfileEntry` record (a global `__nl_prof.SYMBOL`). A module
    constructor `__nl_prof_init` registers the records with the runtime
    (`nl_profile_register`), which prints them as a table when the program
    ends. Recursive calls are counted each time, with inclusive time. The
    record names are the function symbols, with `nl_main` shown as `main`.

    ```mlir
    llvm.func @f() {
      llvm.return
    }
    ```
    becomes
    ```mlir
    llvm.func @f() {
      %t0 = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
      ...
      %t1 = llvm.call_intrinsic "llvm.readcyclecounter"() : () -> i64
      // atomically: calls += 1, cycles += %t1 - %t0 in @"__nl_prof.f"
      llvm.return
    }
    llvm.mlir.global_ctors ctors = [@__nl_prof_init], ...
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def GridsToRuntime : Pass<"nlc-grids-to-runtime", "mlir::ModuleOp"> {
  let summary = "Run kernel grids on the runtime's persistent thread pool";
  let description = [{
    Each `scf.parallel` without reductions (nlc makes them only for kernel
    grids: `convert-tile-launch-to-scf`) becomes a call of the runtime's
    `nl_grid_launch(body, ctx, size, count)`. `body` is a new internal
    `llvm.func @<function>.grid(ptr ctx, i64 begin, i64 end)` that runs
    iterations `begin .. end - 1` (linearized, first dimension fastest,
    except that with two or more dimensions the first two go in groups of
    4 positions of the first, all of the second for each group: a 2-D grid
    of matmul tiles then takes A's rows from the cache for every column
    of the group instead of from memory, 1.55x for a 4096^3 f32 product on
    one thread of a Zen 5; a grid whose kernel call has `nlc.group_rows =
    G` (set by `convert-tile-to-x86`: f32 products on AMX targets) goes in
    groups of G; one marked `nlc.row_strip = [arg, rows]`
    (`convert-tile-launch-to-scf`: the kernel call's operand `arg` is the
    left operand of bf16 or i8 products, of which each row of instances
    reads `rows` rows) in groups of `nl_grid_group_rows(bytes of those
    rows)`, 1 to 4, as many as fit half of the L2 cache; f32 strips keep 4)
    with the loop's body; `ctx` is a struct on the caller's stack holding
    what the body uses from outside, as LLVM values (a memref as its
    descriptor), and the bounds, `size` its size in bytes (the runtime
    copies a small context to where the workers read it, only where it
    changed). Constants are cloned instead.
    The Linux host pipeline runs it where it used to convert grids to
    OpenMP: the runtime's threads stay alive between launches, so a small
    launch costs no thread wake-up.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def ApproximateMath : Pass<"nlc-approximate-math"> {
  let summary = "Compute exp, log, tanh and erf of 32-bit and smaller floats without libm";
  let description = [{
    Rewrites `math.exp`, `math.log`, `math.tanh` and `math.erf` on f32 into
    polynomials (after widening f16 and bf16 operands to f32; the result is
    rounded once to the narrow type). nlc runs it for every target, so the
    Linux build and the bare-metal image, which has no libm, compute
    bit-identical results, and scalar and tile code agree. f64 functions are
    left to libm. `exp` is nlc's own: range reduction by k ln 2 with k from
    a shifter FMA, a degree-5 polynomial, 2^k added to the exponent bits; a
    vector whose lanes all lie in [-87, 88.72] takes that core alone, any
    other the full form (x < -87 as `exp(x + 32) * exp(-32)`, overflow to
    +inf, NaN to itself): at most 1.41 ulp from the correctly rounded
    result on every f32 from -104 to 89. `log`, `tanh` and `erf` are MLIR's
    polynomial approximations; a subnormal argument of `log` is first moved
    into the normal range (`log(x) = log(x * 2^23) - 23 ln 2`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def CheckedAllocations : Pass<"nlc-checked-allocations", "mlir::ModuleOp"> {
  let summary = "Allocate heap memrefs through the runtime, with checked sizes";
  let description = [{
    Replaces every `memref.alloc` (identity layout, default memory space)
    by a call to the runtime's `nl_alloc_at` and every `memref.dealloc` by
    a call to `nl_dealloc`. The size in bytes is computed with overflow
    checks (`arith.mulsi_extended`); a size that overflows or a negative
    dimension passes -1, which the runtime reports as an error. The
    allocation is 64-byte aligned (or more, as the op asks), and the
    allocation's source location (file, line, column) goes along, so that
    an overflow or an exhausted memory is reported where the program
    allocated. The result is a memref descriptor built in the LLVM
    dialect, cast back to the memref type for the memref-to-LLVM lowering.
    An allocation marked `nlc.scratch` comes from `nl_scratch_take_at`
    (blocks kept for the next launch), one marked `nlc.device_memory` (a
    tensor on the GPU) from `nl_gpu_alloc_at`; both without an alignment
    argument.

    ```mlir
    %t = memref.alloc(%n) : memref<?xf32>
    ```
    becomes
    ```mlir
    %bytes = ... 4 * %n, or -1 on overflow ...
    %p = llvm.call @nl_alloc_at(%bytes, %c64, %file, %file_len, %line, %col)
        : (i64, i64, !llvm.ptr, i64, i64, i64) -> !llvm.ptr
    %t = builtin.unrealized_conversion_cast %desc
        : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
        to memref<?xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
  ];
}

#endif // NLC_LOWERING_PASSES

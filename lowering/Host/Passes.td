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
      // calls += 1, cycles += %t1 - %t0 in @"__nl_prof.f"
      llvm.return
    }
    llvm.mlir.global_ctors ctors = [@__nl_prof_init], ...
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def InlineAllocaScopes : Pass<"nlc-inline-alloca-scopes", "mlir::ModuleOp"> {
  let summary = "Replace memref.alloca_scope by a stack save and restore";
  let description = [{
    `convert-scf-to-openmp` wraps parallel loop bodies in
    `memref.alloca_scope`, whose region must stay a single block; lowering
    nested `scf.for` to `cf` afterwards would split it. This pass inlines
    each scope's body between `llvm.intr.stacksave` and
    `llvm.intr.stackrestore` (what the memref-to-LLVM lowering does later),
    so that `convert-scf-to-cf` can run next.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def ApproximateMath : Pass<"nlc-approximate-math", "mlir::ModuleOp"> {
  let summary = "Compute exp, log, tanh and erf of 32-bit and smaller floats without libm";
  let description = [{
    Rewrites `math.exp`, `math.log`, `math.tanh` and `math.erf` on f32 into
    MLIR's polynomial approximations (within a few ulp), after widening f16
    and bf16 operands to f32 (the result is rounded once to the narrow
    type). nlc runs it for every target, so the Linux build and the
    bare-metal image, which has no libm, compute bit-identical results, and
    scalar and tile code agree. f64 functions are left to libm. The
    approximations are accurate for normal values only, so arguments whose
    exp is subnormal (x < -87) and subnormal arguments of log are first
    moved into the normal range by an exact step that is undone after
    (`exp(x) = exp(x + 32) * exp(-32)`, `log(x) = log(x * 2^23) - 23 ln 2`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // NLC_LOWERING_PASSES

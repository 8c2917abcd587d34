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

#endif // NLC_TILE_TRANSFORMS_PASSES

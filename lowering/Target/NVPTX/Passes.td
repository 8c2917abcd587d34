//===- Passes.td - NVIDIA backend passes -------------------*- tablegen -*-===//

#ifndef NLC_LOWERING_TARGET_NVPTX_PASSES
#define NLC_LOWERING_TARGET_NVPTX_PASSES

include "mlir/Pass/PassBase.td"

def ConvertTileLaunchToGPU
    : Pass<"convert-tile-launch-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Move launched kernels into a gpu.module and launch them there";
  let description = [{
    The GPU form of a launch. Every grid kernel that a `tile.launch` names
    becomes a `gpu.func` marked `kernel` in one `gpu.module @nl_kernels`
    (its name made a valid PTX identifier: characters other than letters,
    digits and `_` become `_`), with `tile.program_id` and
    `tile.num_programs` replaced by `gpu.block_id` and `gpu.grid_dim`: one
    thread block per grid instance. Each `tile.launch` becomes a
    `gpu.launch_func` of one thread per block; the tile ops of the body are
    then lowered by the reference lowering, which
    `nlc-gpu-distribute-tiles` spreads over a block of threads. A kernel that calls a function outside
    the kernels, or a grid query outside a launched kernel, is an error.
    Runs after `tile-inline-kernels`, before `convert-tile-to-scf`.

    ```mlir
    tile.launch @k[%n](%x) : memref<?xf32, strided<[?], offset: ?>>
    ```
    becomes
    ```mlir
    gpu.launch_func @nl_kernels::@k blocks in (%n, %c1, %c1)
        threads in (%c1, %c1, %c1) args(%x : memref<?xf32, ...>)
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
  ];
}

def GPULaunchesToRuntime
    : Pass<"nlc-gpu-launches-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Compile each gpu.module to PTX and launch through the runtime";
  let description = [{
    The host side of GPU launches. Each `gpu.module` (already lowered to
    the NVVM and LLVM dialects) is compiled to PTX for the module's
    `nlc.target` chip by LLVM's NVPTX backend and becomes a constant string
    in the host module; where the module names a ptxas (`nlc.ptxas`),
    ptxas compiles that PTX for the chip and the cubin becomes a constant
    too (a ptxas failure is an error). The `gpu.module` is then removed.
    Each kernel gets one `NlGpuKernel` record (the PTX, its entry name and
    source location, the runtime's cache of the loaded function, and the
    cubin or null), and each
    `gpu.launch_func` becomes one call of `nl_gpu_launch` with the
    kernel's parameters in launch-private slots (memrefs expanded as the
    kernel's signature expands them) and, for each memref, the bytes the
    kernel can reach from its aligned pointer, which the runtime copies to
    the device before the launch and back after it.
  }];
  let options = [
    Option<"optLevel", "opt-level", "unsigned", "2",
           "LLVM optimization level of the device code">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect",
  ];
}

def GPUDistributeTiles
    : Pass<"nlc-gpu-distribute-tiles", "::mlir::ModuleOp"> {
  let summary = "Run each program instance on a block of threads";
  let description = [{
    Spreads the reference code of a GPU kernel over the threads of its
    block. Runs on the output of `convert-tile-to-scf` with
    `mark-element-loops`, before canonicalization.

    - The kernel's tile buffers (`memref.alloca` and `memref.alloc` of
      static shape) move into one shared-memory arena, a workgroup
      attribution of the `gpu.func`: each buffer is a `memref.view` of it at
      a fixed offset, cast back to the generic address space so that its
      users are unchanged. Buffers of one block follow each other; the
      buffers of a nested region start where its parent's are so far, and
      the next region reuses that space (no buffer outlives the block that
      allocates it). `memref.dealloc`s of them go.
    - Each loop nest over a tile's elements (marked `nlc.element_loops`)
      becomes one loop over its independent iterations, the thread's index
      plus multiples of the block's size, delinearized row-major (so that
      consecutive threads take consecutive elements), around the nest's
      dependent loops (a contraction's k loop); each `memref.copy` of tile
      buffers becomes such a loop too. A `gpu.barrier` comes before and
      after each of them (one between two); then the barriers no data race
      needs go: one whose ops before it (since the last barrier kept) and
      after it (up to the next) access no location that one writes and the
      other reads or writes (the copies of a K step's A and B, which write
      different buffers and read global memory; a copy and the proxy fence
      after it), and the last one of a loop's body where the body's first
      barrier comes before anything touches memory and what follows the
      loop does not conflict with the body's end (a K loop's closing
      barrier, which the next step's opening one repeats). Global memory
      counts as one location; an op whose effects are not known keeps
      every barrier around it.
    - On sm_80 and later (option `mma`), a contraction of bf16 tiles into
      f32 with M, N, K multiples of 16, 8, 16 (i8 into i32: K a multiple
      of 32, `m16n8k32`) runs on the tensor cores instead: each warp
      computes 16x8 blocks of the result with `mma.sync.m16n8k16`
      (`nvvm.mma.sync`), its operands read from the shared buffers in the
      instruction's fragment layout, a 32-bit word at a time: B's buffer is
      stored transposed ([N][K]) and both operands' rows are padded by 16
      bytes where only element loads and stores use them; then (option
      `ldmatrix`) `nvvm.ldmatrix` loads the fragments, four 8 x 8
      matrices of A's block row or of two of B's block columns at a time. In a loop that
      carries the contraction's accumulator (a K loop), the warps split
      the result into a grid of equal parts (the one whose k steps load the
      fewest words), each warp's accumulators stay in registers across the
      loop, and each k step loads a row's A fragment and a column's B
      fragment once for all the warp's blocks; a kernel with such a
      contraction gets enough threads (up to 256) that a thread keeps at
      most 64 accumulators. The products are exact and the sums in f32, but
      not in the reference's order: results differ from it by f32 rounding.
    - On sm_90a (option `wgmma`), such a contraction with M a multiple of
      64 and N a width the instruction has runs on warpgroup
      `nvvm.wgmma.mma_async` instead (`m64nNk16` bf16, `m64nNk32` s8,
      wrapping): A's and B's buffers are laid out in wgmma's core matrices
      ([K E / 16][rows][16 / E] for E-byte elements: 8 rows of 16 bytes
      are 128 consecutive bytes; K-major, B transposed, no padding, no
      swizzle), which the instruction reads through matrix descriptors
      (leading byte offset 16 rows, stride byte offset 128). The result is
      cut into 64-row pieces (and column parts, so that a thread keeps at
      most 64 accumulators), shared among one or two warpgroups of 128
      threads. Each K step: every thread's `fence.proxy.async.shared::cta`,
      a barrier, `wgmma.fence`, one chain of `wgmma.mma_async` per piece
      (one per 16 of K, bf16; 32, i8), one commit group and a wait for it.
      In a K loop the accumulators stay in registers across it, as above.
      A buffer that a contraction wgmma cannot take also uses keeps the
      mma.sync layout, and so do the contractions that use it.
    - Software pipelining (option `prefetch`): in such a K loop whose body
      copies the contraction's tiles from views 16 bytes at a time and then
      computes on them, each step loads the next step's groups from global
      memory into registers before its contraction and stores them into a
      second set of tile buffers after it; the contraction of a step reads
      the set its parity picks, the first step's tiles are copied before
      the loop, and the step has one barrier (after the proxy fence, for
      wgmma). The second buffers come after the arena's end (without room,
      or for another body, the loop stays as it is); a buffer the body
      allocates moves before the loop.
    - Accumulators in registers throughout (option `epilogue`): where a
      tensor-core K loop carries them in registers and their tile is only
      filled with one value (the reference's `zeros()` or `full(x)`) or
      loaded from a view before the loop, and stored into a view after it,
      they start as that value (or the view's element where the load's
      guard holds, else its pad) and go from their registers into the
      view, under the store's guard (the element inside the view, its
      other conditions); the tile, its fill or load and its copy go. The buffers left are placed
      anew once every rewrite is done.
    - A copy of a tile buffer into another allocated in its block and not
      used before it, whose source nothing reads afterwards (at most a
      loop carries it unchanged and unused: the reference lowering's copy
      of a K loop's initial accumulator) is elided: the target's uses take
      the source. One buffer instead of two, and no copy.
    - TMA (option `tma`, sm_90a): a wgmma K loop over bf16 or f16 tiles
      whose A and B tiles are loaded, padded with zeros, from views the
      kernel takes, at positions that do not depend on what the loop
      carries, loads them with the tensor memory accelerator instead:
      `cp.async.bulk.tensor.2d` of boxes of 128, 64 or 32 bytes x the
      tile's rows (the widest that divides a row: A's along K, B's along
      N) into the layout wgmma reads with the same swizzle (tensor map and
      descriptors), or without option `swizzle`, or for rows of another
      width, of 16 bytes x the tile's rows (one per 16-byte column chunk,
      into the plain core-matrix layout), into a ring of 2 to 4 stages (as
      many as fit in shared memory, aligned to 1024 bytes, where every
      swizzle pattern starts), each completing on its own mbarrier.
      Thread 0 initializes the mbarriers and issues the first stages
      before the loop; each step: every thread waits for its step's
      stage (`mbarrier.try_wait.parity`), the warpgroups' chains read it
      through descriptors and stay in flight (`wgmma.wait_group 1` retires
      the last step's), a barrier, then thread 0 issues the loads of the
      step stages - 1 ahead into the last step's stage (arrive.expect_tx
      of their bytes on its mbarrier, then the copies). After the loop,
      `wgmma.wait_group 0`, a barrier and the mbarriers' invalidation. The kernel takes one tensor map per
      view and box (a 128-byte `!llvm.ptr` argument passed by value,
      listed in the function's `nlc.tensor_maps`: [argument, view
      argument, box rows, box columns, CUtensorMapDataType, element
      bytes, CUtensorMapSwizzle]); each launch gets a null pointer for it,
      which
      nlc-gpu-launches-to-runtime replaces by the map the runtime encodes
      at the launch. Not in a module marked `nlc.no_tma` (nlc
      --gpu-tma=false).
    - A copy of a tile between a view and a buffer (tile.load, tile.store)
      along the view's contiguous dimension, in whole groups of 16 bytes,
      copies a group at a time: one 16-byte access where the group lies in
      the view and on 16 bytes (checked at run time), else its elements one
      by one as before.
    - A nest that reduces lines (`acc = f(acc, v)` in a loop by 1 inside
      independent loops, `f` an arith op with a neutral element, the
      value 32-bit) and has fewer lines than the block has threads (option
      `warp-reductions`): each warp takes one line at a time, its lanes
      reduce every 32nd element from the neutral element, `gpu.shuffle xor`
      combines their results across the warp (16, 8, 4, 2, 1), and the
      line's initial value comes last. A softmax's row max and sum so take
      the whole block instead of one thread per row. Sums are not in the
      reference's order: results differ from it by rounding.
    - Everything else (scalar code, control flow, reductions to a scalar)
      is run by every thread alike: its values are the same in every
      thread. Buffers are written only inside the spread loops, between
      barriers, so no thread overwrites what another still reads.
    - Each launch of a kernel gets `nlc.written_views`: for each memref
      operand, whether the kernel may write it (anything but loads, sizes,
      the source of a copy and views of it that are only read counts as a
      write), so that the runtime copies back only those.
    - The kernel's launches get `threads` threads per block (fewer when the
      kernel's largest element loop has fewer iterations: a multiple of
      32), and the `gpu.func` its `known_block_size`.

    An arena of up to 48 KiB is static shared memory; a larger one is the
    launch's dynamic shared memory (`gpu.dynamic_shared_memory`), up to
    what the module's chip gives a block: 227 KiB on sm_90, 163 KiB on
    sm_80 and sm_87, 99 KiB on sm_86 and sm_89, else 48 KiB (or
    `shared-bytes`). A kernel whose buffers need more, or whose tile
    buffers are written or passed anywhere else, is left as it is: one
    thread per block, buffers in local memory.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "128",
           "Threads per block of a spread kernel">,
    Option<"useMma", "mma", "bool", "true",
           "Contractions of bf16 tiles on the tensor cores (sm_80 and "
           "later)">,
    Option<"useWgmma", "wgmma", "bool", "true",
           "Contractions on sm_90a by warpgroup wgmma where their shapes "
           "allow">,
    Option<"prefetch", "prefetch", "bool", "true",
           "A tensor-core K loop loads the next step's tiles into registers "
           "before its contraction and stores them into second buffers "
           "after it">,
    Option<"epilogue", "epilogue", "bool", "true",
           "Accumulators a K loop carries in registers start from the value "
           "their tile is filled with and end in the view it is stored "
           "into, without the tile">,
    Option<"tma", "tma", "bool", "true",
           "A wgmma K loop loads its bf16 and f16 tiles from the kernel's "
           "views with TMA into a ring of stages on mbarriers (sm_90a)">,
    Option<"swizzle", "swizzle", "bool", "true",
           "TMA boxes as wide as a tile's rows allow (32, 64 or 128 bytes) "
           "into the matching swizzled layout wgmma reads, instead of "
           "16-byte boxes into the plain core-matrix layout (also off in a "
           "module marked nlc.no_swizzle: nlc --gpu-swizzle=false)">,
    Option<"ldmatrix", "ldmatrix", "bool", "true",
           "mma.sync operands by ldmatrix where B is stored transposed">,
    Option<"warpReductions", "warp-reductions", "bool", "true",
           "Lines of a reduction shared out among the lanes of a warp "
           "where the nest has fewer lines than the block has threads">,
    Option<"sharedBytes", "shared-bytes", "int64_t", "0",
           "The most shared memory a spread kernel's buffers may take (0: "
           "what the module's chip allows)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def GPUExactMath : Pass<"nlc-gpu-exact-math"> {
  let summary = "Math ops PTX computes exactly, as LLVM intrinsics";
  let description = [{
    MLIR's GPU-to-NVVM conversion makes every math op a call of CUDA's
    libdevice. Those whose result PTX computes exactly in one instruction
    (`sqrt` as sqrt.rn, `absf`, `fma`, `floor`, `ceil`, `trunc`, `round`,
    `roundeven` on f32 and f64) become LLVM intrinsics here first, so that
    kernels need libdevice (and the CUDA toolkit) only for the
    transcendental functions nlc does not expand itself (`sin`, `cos`,
    `pow`, ...). Run on device code before `convert-gpu-to-nvvm`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def GPUEmulateKernels : Pass<"nlc-gpu-emulate-kernels", "::mlir::ModuleOp"> {
  let summary = "Also compile each GPU kernel for the host, to run it emulated";
  let description = [{
    In a module marked `nlc.gpu_emulation` (nlc --gpu-emulation), each
    kernel of each gpu.module, as nlc-gpu-distribute-tiles made it (loops
    over threads, shared memory, barriers, shuffles, `nvvm.mma.sync`), is
    copied into the host module as the public function `nl_emu.NAME(params,
    thread)`, which runs one thread of a block on the CPU: it reads its
    arguments from cuLaunchKernel's kernelParams (a memref as its lowered
    fields: allocated and aligned pointers, offset, sizes, strides), and
    thread and block indices, shared memory, barriers, shuffles, mma.sync,
    ldmatrix, wgmma and its fences (a shared address as an integer: its
    offset in the block's shared memory), printf and trap become calls of
    the runtime's emulator
    (`nl_emu_*`, runtime/hosted/gpu_emulate.c), which runs a block's
    threads as fibers; every access of a statically shaped memref (a tile
    buffer) is reported to it first (`nl_emu_access`), for its race check.
    The module also defines `nl_gpu_emulation`, which makes the runtime
    launch kernels on its emulated driver. A kernel with an operation the
    emulator does not know is an error. The PTX is made as before: the
    emulation is a test of the GPU lowering before NVVM where there is no
    GPU. Unmarked modules are left alone.
  }];
  let dependentDialects = [
    "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
  ];
}

#endif // NLC_LOWERING_TARGET_NVPTX_PASSES

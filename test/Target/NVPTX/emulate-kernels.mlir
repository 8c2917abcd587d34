// RUN: %nlc-opt %s -split-input-file -nlc-gpu-emulate-kernels -verify-diagnostics | FileCheck %s --enable-var-scope
// nlc-gpu-emulate-kernels (nlc --gpu-emulation): in a module marked
// nlc.gpu_emulation, each kernel also becomes the host function
// `nl_emu.NAME(params, thread)`: its arguments from cuLaunchKernel's
// parameter slots (a memref as allocated and aligned pointers, offset,
// sizes, strides), the workgroup attribution at the start of the static
// shared memory, the body behind a branch, thread and block indices,
// barriers, shuffles and mma.sync as calls of the runtime's emulator, every
// memref in the default memory space, and every access of a statically
// shaped memref (a tile buffer) reported first with its address, size and
// direction, for the emulator's race check (not those of the views, whose
// shapes are dynamic). The kernel itself stays for PTX.

// CHECK-LABEL: gpu.func @k(
// CHECK: gpu.shuffle
// CHECK: func.func private @nl_emu_shuffle(!llvm.ptr, i32, i32, i32, i32) -> i64
// The mark the runtime reads to launch on its emulated driver.
// CHECK: llvm.mlir.global external constant @nl_gpu_emulation(1 : i32)
// CHECK-LABEL: func.func @nl_emu.k(
// CHECK-SAME: %[[PARAMS:[^:]+]]: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// The memref: seven slots, the first two pointers.
// CHECK: %[[S0:.+]] = llvm.getelementptr %[[PARAMS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.+]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[ALLOCATED:.+]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.getelementptr %[[PARAMS]][6]
// CHECK: %[[X:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// The index and the f32, one slot each.
// CHECK: llvm.getelementptr %[[PARAMS]][7]
// CHECK: %[[N64:.+]] = llvm.load %{{.+}} : !llvm.ptr -> i64
// CHECK: %[[N:.+]] = arith.index_cast %[[N64]] : i64 to index
// CHECK: llvm.getelementptr %[[PARAMS]][8]
// CHECK: %[[S:.+]] = llvm.load %{{.+}} : !llvm.ptr -> f32
// CHECK: %[[SHARED:.+]] = call @nl_emu_shared(%[[T]], %c0_i32) : (!llvm.ptr, i32) -> !llvm.ptr
// CHECK: %[[ARENA:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<64xi8>
// CHECK: cf.br ^bb1(%[[X]], %[[N]], %[[S]], %[[ARENA]] : memref<?x?xf32, strided<[?, 1], offset: ?>>, index, f32, memref<64xi8>)
// CHECK: ^bb1(%[[BX:.+]]: memref<?x?xf32, strided<[?, 1], offset: ?>>, %[[BN:.+]]: index, %[[BS:.+]]: f32, %[[BA:.+]]: memref<64xi8>):
// CHECK: %[[TID32:.+]] = call @nl_emu_thread_id(%[[T]], %c0_i32{{.*}}) : (!llvm.ptr, i32) -> i32
// CHECK: %[[TID:.+]] = arith.index_castui %[[TID32]] : i32 to index
// CHECK: %[[BID32:.+]] = call @nl_emu_block_id(%[[T]], %c1_i32{{.*}})
// CHECK: %[[BID:.+]] = arith.index_castui %[[BID32]] : i32 to index
// CHECK: %[[VIEW:.+]] = memref.view %[[BA]][%{{.+}}][] : memref<64xi8> to memref<16xf32>
// CHECK: %[[PTR:.+]] = memref.extract_aligned_pointer_as_index %[[VIEW]]
// CHECK: %[[ADDR:.+]] = arith.addi %[[PTR]], %{{.+}} : index
// CHECK: %[[A64:.+]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK: call @nl_emu_access(%[[T]], %[[A64]], %c4_i32, %c1_i32{{.*}}) : (!llvm.ptr, i64, i32, i32) -> ()
// CHECK-NEXT: memref.store %[[BS]], %[[VIEW]][%[[TID]]] : memref<16xf32>
// CHECK: call @nl_emu_barrier(%[[T]]) : (!llvm.ptr) -> ()
// CHECK: call @nl_emu_access(%[[T]], %{{.+}}, %c4_i32{{.*}}, %c0_i32{{.*}})
// CHECK-NEXT: %[[V:.+]] = memref.load %[[VIEW]][%[[TID]]] : memref<16xf32>
// CHECK: %[[VBITS:.+]] = arith.bitcast %[[V]] : f32 to i32
// CHECK: %[[R:.+]] = call @nl_emu_shuffle(%[[T]], %[[VBITS]], %{{.+}}, %{{.+}}, %c3_i32) : (!llvm.ptr, i32, i32, i32, i32) -> i64
// CHECK: %[[RBITS:.+]] = arith.trunci %[[R]] : i64 to i32
// CHECK: %[[RF:.+]] = arith.bitcast %[[RBITS]] : i32 to f32
// CHECK-NOT: nl_emu_access
// CHECK: memref.store %[[RF]], %[[BX]][%[[BID]], %[[BN]]]
// CHECK: return
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @k(%x: memref<?x?xf32, strided<[?, 1], offset: ?>>, %n: index, %s: f32) workgroup(%arena : memref<64xi8, #gpu.address_space<workgroup>>) kernel {
      %c0 = arith.constant 0 : index
      %tid = gpu.thread_id x
      %bid = gpu.block_id y
      %view = memref.view %arena[%c0][] : memref<64xi8, #gpu.address_space<workgroup>> to memref<16xf32, #gpu.address_space<workgroup>>
      %buf = memref.memory_space_cast %view : memref<16xf32, #gpu.address_space<workgroup>> to memref<16xf32>
      memref.store %s, %buf[%tid] : memref<16xf32>
      gpu.barrier
      %v = memref.load %buf[%tid] : memref<16xf32>
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      %r, %ok = gpu.shuffle xor %v, %c1, %c32 : f32
      memref.store %r, %x[%bid, %n] : memref<?x?xf32, strided<[?, 1], offset: ?>>
      gpu.return
    }
  }
}

// -----

// mma.sync (bf16 into f32): the operands as 32-bit values, the results one
// by one into the struct the kernel reads. Dynamic shared memory is the
// emulator's second region.
// CHECK-LABEL: func.func @nl_emu.mma(
// CHECK-SAME: %{{[^:]+}}: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// CHECK: ^bb1(%[[A:[^:]+]]: i32, %[[B:[^:]+]]: i32, %[[C:[^:]+]]: f32, %{{.+}}: memref<1xf32>):
// CHECK: %[[DYN:.+]] = call @nl_emu_shared(%[[T]], %c1_i32) : (!llvm.ptr, i32) -> !llvm.ptr
// CHECK: %[[WHOLE:.+]] = builtin.unrealized_conversion_cast %{{.+}} to memref<232448xi8>
// CHECK: memref.cast %[[WHOLE]] : memref<232448xi8> to memref<?xi8>
// CHECK: %[[CB:.+]] = arith.bitcast %[[C]] : f32 to i32
// CHECK: call @nl_emu_mma(%[[T]], %c0_i32{{.*}}, %[[A]], %[[A]], %[[A]], %[[A]], %[[B]], %[[B]], %[[CB]], %{{.+}}, %{{.+}}, %{{.+}})
// CHECK: %[[U:.+]] = llvm.mlir.undef : !llvm.struct<(f32, f32, f32, f32)>
// CHECK: %[[D0:.+]] = call @nl_emu_result(%[[T]], %c0_i32{{.*}}) : (!llvm.ptr, i32) -> i32
// CHECK: %[[F0:.+]] = arith.bitcast %[[D0]] : i32 to f32
// CHECK: llvm.insertvalue %[[F0]], %[[U]][0]
// CHECK: call @nl_emu_result(%[[T]], %c3_i32)
// CHECK: %[[D:.+]] = llvm.insertvalue %{{.+}}[3]
// CHECK: llvm.extractvalue %[[D]][0]
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @mma(%a: i32, %b: i32, %c: f32, %out: memref<1xf32>) kernel {
      %shared = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
      %d = nvvm.mma.sync A[%a, %a, %a, %a] B[%b, %b] C[%c, %c, %c, %c]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<bf16>,
         multiplicandBPtxType = #nvvm.mma_type<bf16>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>}
        : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
      %d0 = llvm.extractvalue %d[0] : !llvm.struct<(f32, f32, f32, f32)>
      %c0 = arith.constant 0 : index
      memref.store %d0, %out[%c0] : memref<1xf32>
      gpu.return
    }
  }
}

// -----

// A failed check's printf and trap: nl_emu_printf (variadic, the format a
// constant global) and nl_emu_trap, which ends the launch.
// CHECK: llvm.func @nl_emu_printf(!llvm.ptr, !llvm.ptr, ...)
// CHECK-LABEL: func.func @nl_emu.check(
// CHECK-SAME: %{{[^:]+}}: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// CHECK: %[[FMT:.+]] = llvm.mlir.addressof @nl_emu.format.0 : !llvm.ptr
// CHECK: llvm.call @nl_emu_printf(%[[T]], %[[FMT]], %{{.+}}) vararg(!llvm.func<void (ptr, ptr, ...)>) : (!llvm.ptr, !llvm.ptr, i32) -> ()
// CHECK-NEXT: call @nl_emu_trap(%[[T]]) : (!llvm.ptr) -> ()
// CHECK: llvm.mlir.global private constant @nl_emu.format.0("error: %u\0A\00")
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @check(%x: i32) kernel {
      gpu.printf "error: %u\n", %x : i32
      llvm.intr.trap
      gpu.return
    }
  }
}

// -----

// ldmatrix: the integer of the generic address the shared pointer was cast
// from goes to the emulator, the matrices' words come back one by one.
// CHECK-LABEL: func.func @nl_emu.ld(
// CHECK-SAME: %{{[^:]+}}: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// CHECK: ^bb1(%[[ADDR:[^:]+]]: i64, %{{.+}}: memref<2xi32>):
// CHECK-NOT: llvm.addrspacecast
// CHECK: call @nl_emu_ldmatrix(%[[T]], %c2_i32, %[[ADDR]]) : (!llvm.ptr, i32, i64) -> ()
// CHECK: call @nl_emu_result(%[[T]], %c0_i32
// CHECK: call @nl_emu_result(%[[T]], %c1_i32
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @ld(%addr: i64, %out: memref<2xi32>) kernel {
      %p = llvm.inttoptr %addr : i64 to !llvm.ptr
      %s = llvm.addrspacecast %p : !llvm.ptr to !llvm.ptr<3>
      %m = nvvm.ldmatrix %s {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, num = 2 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>} : (!llvm.ptr<3>) -> !llvm.struct<(i32, i32)>
      %w = llvm.extractvalue %m[1] : !llvm.struct<(i32, i32)>
      %c0 = arith.constant 0 : index
      memref.store %w, %out[%c0] : memref<2xi32>
      gpu.return
    }
  }
}

// -----

// wgmma: the fences, commit and wait become calls; a shared address as an
// integer is its offset in the block's shared memory; wgmma.mma_async
// hands the emulator its kind (0: bf16 into f32), whether B is read
// transposed (layout `row`, N-major: 1), N, the descriptors and
// the accumulators in a stack buffer made once in the entry block, and
// reads them back.
// CHECK-LABEL: func.func @nl_emu.wg(
// CHECK-SAME: %{{[^:]+}}: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// CHECK: %[[BUF:.+]] = llvm.alloca %{{.+}} x f32 : (i64) -> !llvm.ptr
// CHECK: ^bb1(%[[ADDR:[^:]+]]: i64, %{{.+}}: f32, %{{.+}}: memref<4xf32>):
// CHECK: call @nl_emu_fence_proxy_async(%[[T]])
// CHECK: %[[OFF:.+]] = call @nl_emu_shared_offset(%[[T]], %[[ADDR]]) : (!llvm.ptr, i64) -> i64
// CHECK: call @nl_emu_wgmma_fence(%[[T]])
// CHECK-COUNT-4: llvm.store %{{.+}}, %{{.+}} : f32, !llvm.ptr
// CHECK: call @nl_emu_wgmma(%[[T]], %c0_i32{{.*}}, %c1_i32{{.*}}, %c8_i32{{.*}}, %[[OFF]], %[[OFF]], %[[BUF]]) : (!llvm.ptr, i32, i32, i32, i64, i64, !llvm.ptr) -> ()
// CHECK-COUNT-4: llvm.load %{{.+}} : !llvm.ptr -> f32
// CHECK: call @nl_emu_wgmma_commit(%[[T]])
// CHECK: call @nl_emu_wgmma_wait(%[[T]], %c0_i32
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @wg(%addr: i64, %x: f32, %out: memref<4xf32>) kernel {
      nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
      %p = llvm.inttoptr %addr : i64 to !llvm.ptr
      %s = llvm.addrspacecast %p : !llvm.ptr to !llvm.ptr<3>
      %d = llvm.ptrtoint %s : !llvm.ptr<3> to i64
      %u = llvm.mlir.undef : !llvm.struct<(f32, f32, f32, f32)>
      %a0 = llvm.insertvalue %x, %u[0] : !llvm.struct<(f32, f32, f32, f32)>
      %a1 = llvm.insertvalue %x, %a0[1] : !llvm.struct<(f32, f32, f32, f32)>
      %a2 = llvm.insertvalue %x, %a1[2] : !llvm.struct<(f32, f32, f32, f32)>
      %a3 = llvm.insertvalue %x, %a2[3] : !llvm.struct<(f32, f32, f32, f32)>
      nvvm.wgmma.fence.aligned
      %r = nvvm.wgmma.mma_async %d, %d, %a3, <m = 64, n = 8, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
      nvvm.wgmma.commit.group.sync.aligned
      nvvm.wgmma.wait.group.sync.aligned 0
      %v = llvm.extractvalue %r[3] : !llvm.struct<(f32, f32, f32, f32)>
      %c0 = arith.constant 0 : index
      memref.store %v, %out[%c0] : memref<4xf32>
      gpu.return
    }
  }
}

// -----

// Forms of wgmma nlc does not make (here A transposed) are errors, and so
// is a shared address that is not a cast generic address.
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @wg_transposed(%d: i64, %x: f32) kernel {
      %u = llvm.mlir.undef : !llvm.struct<(f32, f32, f32, f32)>
      // expected-error @+1 {{cannot emulate this form of wgmma.mma_async}}
      %r = nvvm.wgmma.mma_async %d, %d, %u, <m = 64, n = 8, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <col>], B[<bf16>, <one>, <col>] : !llvm.struct<(f32, f32, f32, f32)> -> !llvm.struct<(f32, f32, f32, f32)>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @shared_address() kernel {
      %p = llvm.mlir.zero : !llvm.ptr<3>
      // expected-error @+1 {{cannot emulate this shared-memory address}}
      %d = llvm.ptrtoint %p : !llvm.ptr<3> to i64
      gpu.return
    }
  }
}

// -----

// TMA: a tensor map argument (listed in nlc.tensor_maps) is its parameter
// slot itself (a CUtensorMap passed by value); the mbarrier operations and
// the tile load become calls with generic addresses (the casts to the
// shared spaces gone), the load with the map and its coordinates.
// CHECK-LABEL: func.func @nl_emu.tma(
// CHECK-SAME: %[[P:[^:]+]]: !llvm.ptr, %[[T:[^:]+]]: !llvm.ptr) {
// CHECK: %[[SLOT:.+]] = llvm.getelementptr %[[P]][3] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK-NEXT: %[[MAP:.+]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK-NOT: llvm.load %[[MAP]]
// CHECK: ^bb1(%[[D:[^:]+]]: i64, %[[B:[^:]+]]: i64, %[[X:[^:]+]]: i32, %[[M:[^:]+]]: !llvm.ptr):
// CHECK-NOT: llvm.addrspacecast
// CHECK: call @nl_emu_mbarrier_init(%[[T]], %[[B]], %{{.+}}) : (!llvm.ptr, i64, i32) -> ()
// CHECK: call @nl_emu_mbarrier_arrive_expect_tx(%[[T]], %[[B]], %{{.+}}) : (!llvm.ptr, i64, i32) -> ()
// CHECK: call @nl_emu_tma_load(%[[T]], %[[D]], %[[M]], %[[X]], %[[X]], %[[B]]) : (!llvm.ptr, i64, !llvm.ptr, i32, i32, i64) -> ()
// CHECK: call @nl_emu_mbarrier_wait(%[[T]], %[[B]], %{{.+}}) : (!llvm.ptr, i64, i32) -> ()
// CHECK: call @nl_emu_mbarrier_inval(%[[T]], %[[B]]) : (!llvm.ptr, i64) -> ()
// CHECK-NOT: llvm.addrspacecast
// CHECK: return
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @tma(%d: i64, %b: i64, %x: i32, %map: !llvm.ptr) kernel attributes {nlc.tensor_maps = [array<i64: 3, 0, 64, 8, 9, 2, 0>]} {
      %bp = llvm.inttoptr %b : i64 to !llvm.ptr
      %bs = llvm.addrspacecast %bp : !llvm.ptr to !llvm.ptr<3>
      %c1 = arith.constant 1 : i32
      nvvm.mbarrier.init %bs, %c1 : !llvm.ptr<3>, i32
      %n = arith.constant 256 : i32
      nvvm.mbarrier.arrive.expect_tx %bs, %n : !llvm.ptr<3>, i32
      %dp = llvm.inttoptr %d : i64 to !llvm.ptr
      %ds = llvm.addrspacecast %dp : !llvm.ptr to !llvm.ptr<3>
      %dc = llvm.addrspacecast %ds : !llvm.ptr<3> to !llvm.ptr<7>
      nvvm.cp.async.bulk.tensor.shared.cluster.global %dc, %map, %bs, box[%x, %x] : !llvm.ptr<7>, !llvm.ptr
      %z = arith.constant 0 : i32
      %w = arith.constant 1000 : i32
      nvvm.mbarrier.try_wait.parity %bs, %z, %w : !llvm.ptr<3>, i32, i32
      nvvm.mbarrier.inval %bs : !llvm.ptr<3>
      gpu.return
    }
  }
}

// -----

// A TMA load nlc does not make (here with a cache hint) is an error.
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @tma_hint(%d: i64, %b: i64, %x: i32, %h: i64, %map: !llvm.ptr) kernel attributes {nlc.tensor_maps = [array<i64: 4, 0, 64, 8, 9, 2, 0>]} {
      %bp = llvm.inttoptr %b : i64 to !llvm.ptr
      %bs = llvm.addrspacecast %bp : !llvm.ptr to !llvm.ptr<3>
      %dp = llvm.inttoptr %d : i64 to !llvm.ptr
      %ds = llvm.addrspacecast %dp : !llvm.ptr to !llvm.ptr<3>
      %dc = llvm.addrspacecast %ds : !llvm.ptr<3> to !llvm.ptr<7>
      // expected-error @+1 {{cannot emulate this form of nvvm.cp.async.bulk.tensor.shared.cluster.global}}
      nvvm.cp.async.bulk.tensor.shared.cluster.global %dc, %map, %bs, box[%x, %x] l2_cache_hint = %h : !llvm.ptr<7>, !llvm.ptr
      gpu.return
    }
  }
}


// -----

// Without the mark, nothing changes.
// CHECK-LABEL: gpu.func @plain(
// CHECK-NOT: nl_emu
module attributes {gpu.container_module} {
  gpu.module @nl_kernels {
    gpu.func @plain() kernel {
      gpu.barrier
      gpu.return
    }
  }
}

// -----

// What the emulator does not know is an error.
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @unknown() kernel {
      // expected-error @+1 {{cannot emulate `gpu.lane_id` on the CPU (nlc --gpu-emulation)}}
      %l = gpu.lane_id
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @saturating(%a: i32, %b: i32, %c: i32) kernel {
      // expected-error @+1 {{cannot emulate this form of mma.sync}}
      %d = nvvm.mma.sync A[%a, %a, %a, %a] B[%b, %b] C[%c, %c, %c, %c]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         multiplicandAPtxType = #nvvm.mma_type<s8>,
         multiplicandBPtxType = #nvvm.mma_type<s8>,
         intOverflowBehavior = #nvvm.mma_int_overflow<satfinite>,
         shape = #nvvm.shape<m = 16, n = 8, k = 32>}
        : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @wide_shuffle(%v: i64) kernel {
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      // expected-error @+1 {{cannot emulate a shuffle of 'i64'}}
      %r, %ok = gpu.shuffle xor %v, %c1, %c32 : i64
      gpu.return
    }
  }
}

// -----

// ldmatrix's address must be the shared pointer cast from the integer of
// a generic one, as nlc-gpu-distribute-tiles makes it.
module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    gpu.func @ld_pointer() kernel {
      %p = llvm.mlir.zero : !llvm.ptr<3>
      // expected-error @+1 {{cannot emulate this form of ldmatrix}}
      %m = nvvm.ldmatrix %p {eltType = #nvvm.ld_st_matrix_elt_type<b16>, layout = #nvvm.mma_layout<row>, num = 1 : i32, shape = #nvvm.ld_st_matrix_shape<m = 8, n = 8>} : (!llvm.ptr<3>) -> i32
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module, nlc.gpu_emulation} {
  gpu.module @nl_kernels {
    // expected-error @+1 {{cannot emulate a kernel that takes a '!llvm.ptr'}}
    gpu.func @pointer_argument(%p: !llvm.ptr) kernel {
      gpu.return
    }
  }
}



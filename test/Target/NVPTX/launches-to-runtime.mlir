// RUN: %nlc-opt %s --nlc-nvptx64-nvidia-cuda-kernel -nlc-gpu-launches-to-runtime | FileCheck %s --enable-var-scope
// The host side of a GPU launch: the kernels become PTX in a constant string,
// each kernel gets a record (PTX, entry name, source position, the runtime's
// cache), and the launch is one call of nl_gpu_launch with the parameters in
// slots (a memref as allocated and aligned pointer, offset, sizes and
// strides; the aligned pointer stands for both; an f32 as its bits) and, for
// the memref, the bytes [offset, offset + (size - 1) * stride + 1) x 4 the
// kernel can reach, which the runtime copies to the device and back.

// CHECK-NOT: gpu.container_module
// CHECK-LABEL: func.func @host(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?xf32, strided<[?], offset: ?>>, %[[A:[a-z0-9]+]]: f32, %[[N:[a-z0-9]+]]: index)
// CHECK: %[[SLOTS:.+]] = llvm.alloca %{{.+}} x i64
// CHECK: %[[PARAMS:.+]] = llvm.alloca %{{.+}} x !llvm.ptr
// CHECK: %[[MAPS:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(i32, i32, i64, i64, i32)>
// CHECK: %{{.+}}, %[[OFF:.+]], %[[SIZE:.+]], %[[STRIDE:.+]] = memref.extract_strided_metadata %[[X]]
// CHECK: %[[PTR:.+]] = memref.extract_aligned_pointer_as_index %[[X]]
// CHECK: %[[LAST_STEPS:.+]] = arith.subi %[[SIZE]], %{{.+}} : index
// CHECK: %[[SPAN:.+]] = arith.muli %[[LAST_STEPS]], %[[STRIDE]] : index
// CHECK: %[[LAST:.+]] = arith.addi %[[OFF]], %[[SPAN]] : index
// CHECK: %[[C4:.+]] = arith.constant 4 : index
// CHECK: %[[LO:.+]] = arith.muli %[[OFF]], %[[C4]] : index
// CHECK: %[[END:.+]] = arith.addi %[[LAST]], %{{.+}} : index
// CHECK: %[[HI:.+]] = arith.muli %[[END]], %[[C4]] : index
// CHECK: arith.select %{{.+}}, %[[LO]], %[[HI]] : index
// CHECK: %[[ABITS:.+]] = arith.bitcast %[[A]] : f32 to i32
// CHECK: %[[ASLOT:.+]] = arith.extui %[[ABITS]] : i32 to i64
// CHECK: %[[S5:.+]] = llvm.getelementptr %[[SLOTS]][5]
// CHECK-NEXT: llvm.store %[[ASLOT]], %[[S5]] : i64, !llvm.ptr
// The kernel writes its view: the map says so (field 4), and the runtime
// copies it back.
// CHECK: %[[W:.+]] = llvm.getelementptr %[[MAPS]][0, 4]
// CHECK-NEXT: %[[ONE:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.store %[[ONE]], %[[W]] : i32, !llvm.ptr
// CHECK: %[[REC:.+]] = llvm.mlir.addressof @nl_gpu.k : !llvm.ptr
// CHECK: %[[GX:.+]] = arith.index_cast %[[N]] : index to i64
// CHECK-DAG: %[[NPARAMS:.+]] = llvm.mlir.constant(6 : i32) : i32
// CHECK-DAG: %[[NMAPS:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK: llvm.call @nl_gpu_launch(%[[REC]], %[[GX]], %{{.+}}, %{{.+}}, %{{.+}}, %[[SHARED:.+]], %[[PARAMS]], %[[NPARAMS]], %[[MAPS]], %[[NMAPS]])
// A kernel that only reads its first view: that map says 0 (not copied
// back), the second's 1.
// CHECK-LABEL: func.func @host_copy(
// CHECK: %[[CMAPS:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(i32, i32, i64, i64, i32)>
// CHECK: %[[XW:.+]] = llvm.getelementptr %[[CMAPS]][0, 4]
// CHECK-NEXT: %[[ZERO:.+]] = llvm.mlir.constant(0 : i32) : i32
// CHECK-NEXT: llvm.store %[[ZERO]], %[[XW]] : i32, !llvm.ptr
// CHECK: %[[YW:.+]] = llvm.getelementptr %[[CMAPS]][1, 4]
// CHECK-NEXT: %[[ONE:.+]] = llvm.mlir.constant(1 : i32) : i32
// CHECK-NEXT: llvm.store %[[ONE]], %[[YW]] : i32, !llvm.ptr
// CHECK: llvm.call @nl_gpu_launch(
// A kernel whose tiles TMA loads (nlc-gpu-distribute-tiles on sm_90a)
// takes its two tensor maps of %x as its last parameters (15 and 16, after
// the two 2-D views' 7 and %kt): each is its own 128 bytes on 64, which the
// runtime fills; the launch is nl_gpu_launch_tma with the maps' requests
// (NlGpuTensorMap: parameter, view, CUtensorMapDataType 9, 2 bytes, box
// rows and columns, CUtensorMapSwizzle, a reserved 0, then the view's
// offset, sizes and row stride). A's map: boxes of 64 rows of 32 bf16 (its
// K: 64 bytes), swizzle 2 (64-byte rows).
// CHECK-LABEL: func.func @host_tma(
// CHECK-SAME: %[[TX:[a-z0-9]+]]: memref<?x?xbf16>
// CHECK-COUNT-2: llvm.alloca %{{.+}} x i64 {alignment = 64 : i64}
// CHECK: %[[TMAPS:.+]] = llvm.alloca %{{.+}} x !llvm.struct<(i32, i32, i32, i32, i32, i32, i32, i32, i64, i64, i64, i64)>
// CHECK: %[[TO:.+]], %[[TS:.+]]:2, %[[TST:.+]]:2 = memref.extract_strided_metadata %[[TX]]
// CHECK: llvm.mlir.constant(64 : i32) : i32
// CHECK-NEXT: %[[BOXC:.+]] = llvm.mlir.constant(32 : i32) : i32
// CHECK-NEXT: %[[SW:.+]] = llvm.mlir.constant(2 : i32) : i32
// CHECK: %[[F0:.+]] = llvm.getelementptr %[[TMAPS]][0, 0]
// CHECK-NEXT: llvm.store %{{.+}}, %[[F0]]
// CHECK: %[[F4:.+]] = llvm.getelementptr %[[TMAPS]][0, 4]
// CHECK-NEXT: llvm.store %{{.+}}, %[[F4]]
// CHECK: %[[F5:.+]] = llvm.getelementptr %[[TMAPS]][0, 5]
// CHECK-NEXT: llvm.store %[[BOXC]], %[[F5]]
// CHECK-NEXT: %[[F6:.+]] = llvm.getelementptr %[[TMAPS]][0, 6]
// CHECK-NEXT: llvm.store %[[SW]], %[[F6]]
// CHECK: llvm.getelementptr %[[TMAPS]][1, 11]
// The maps' count (2) after the views' (2):
// CHECK: llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: %[[NT:.+]] = llvm.mlir.constant(2 : i32) : i32
// CHECK-NEXT: llvm.call @nl_gpu_launch_tma(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[TMAPS]], %[[NT]])
// CHECK: llvm.func @nl_gpu_launch(!llvm.ptr, i64, i64, i64, i32, i32, !llvm.ptr, i32, !llvm.ptr, i32)
// CHECK: llvm.func @nl_gpu_launch_tma(!llvm.ptr, i64, i64, i64, i32, i32, !llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, i32)
// The PTX: the maps are .param .align 64 .b8 [128] (by value, grid
// constants), and TMA reads them there.
// CHECK: llvm.mlir.global private constant @nl_kernels.ptx("{{.*}}.target sm_90a{{.*}}.visible .entry k(
// CHECK-SAME: .visible .entry mm({{.*}}.param .align 64 .b8 mm_param_15[128],{{.*}}.param .align 64 .b8 mm_param_16[128]
// CHECK-SAME: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK: llvm.mlir.global private constant @nl_gpu.k.name("k\00")
// CHECK: llvm.mlir.global private constant @nl_gpu.k.where("{{[^ ]*}}launches-to-runtime.mlir:[[@LINE+8]]:1\00")
// CHECK: llvm.mlir.global internal @nl_gpu.k()
// CHECK: llvm.mlir.addressof @nl_kernels.ptx
// CHECK: llvm.mlir.addressof @nl_gpu.k.name
// CHECK: llvm.mlir.addressof @nl_gpu.k.where
// CHECK: llvm.mlir.zero : !llvm.ptr
// CHECK-NOT: gpu.module
module attributes {nlc.target = {name = "nvptx64-nvidia-cuda", triple = "nvptx64-nvidia-cuda", cpu = "sm_90a", features = ""}} {
func.func private @k(%x: memref<?xf32, strided<[?], offset: ?>>, %a: f32) attributes {tile.kernel} {
  %i = tile.program_id 0
  %v = memref.load %x[%i] : memref<?xf32, strided<[?], offset: ?>>
  %w = arith.mulf %v, %a : f32
  memref.store %w, %x[%i] : memref<?xf32, strided<[?], offset: ?>>
  return
}
func.func @host(%x: memref<?xf32, strided<[?], offset: ?>>, %a: f32, %n: index) {
  tile.launch @k[%n] (%x, %a) : memref<?xf32, strided<[?], offset: ?>>, f32
  return
}
func.func private @copy(%x: memref<?xf32>, %y: memref<?xf32>) attributes {tile.kernel} {
  %i = tile.program_id 0
  %v = memref.load %x[%i] : memref<?xf32>
  memref.store %v, %y[%i] : memref<?xf32>
  return
}
func.func @host_copy(%x: memref<?xf32>, %y: memref<?xf32>, %n: index) {
  tile.launch @copy[%n] (%x, %y) : memref<?xf32>, memref<?xf32>
  return
}
func.func private @mm(%x: memref<?x?xbf16>, %y: memref<?x?xf32>, %kt: index) attributes {tile.kernel} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f0 = arith.constant 0.0 : f32
  %zero = tile.splat %f0 : f32 -> !tile.tile<64x16xf32>
  %r = scf.for %k = %c0 to %kt step %c1 iter_args(%acc = %zero) -> (!tile.tile<64x16xf32>) {
    %a = tile.load %x[%c0, %k] : memref<?x?xbf16> -> !tile.tile<64x32xbf16>
    %b = tile.load %x[%k, %c0] : memref<?x?xbf16> -> !tile.tile<32x16xbf16, col_major>
    %d = tile.dot %a, %b, %acc : !tile.tile<64x32xbf16>, !tile.tile<32x16xbf16, col_major> -> !tile.tile<64x16xf32>
    scf.yield %d : !tile.tile<64x16xf32>
  }
  tile.store %r, %y[%c0, %c0] : !tile.tile<64x16xf32>, memref<?x?xf32>
  return
}
func.func @host_tma(%x: memref<?x?xbf16>, %y: memref<?x?xf32>, %kt: index, %n: index) {
  tile.launch @mm[%n] (%x, %y, %kt) : memref<?x?xbf16>, memref<?x?xf32>, index
  return
}
}

// RUN: %nlc-opt --nlc-checked-allocations %s | FileCheck %s --enable-var-scope
// Heap memrefs go through the runtime's nl_alloc_at with a size computed
// with overflow checks (-1 when it overflows), 64-byte alignment and the
// source location of the allocation; deallocations through nl_dealloc.

// CHECK-DAG: llvm.mlir.global internal constant @[[$FILE:.+]]("prog.nl")
// CHECK-DAG: llvm.func @nl_alloc_at(i64, i64, !llvm.ptr, i64, i64, i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @nl_dealloc(!llvm.ptr)
// CHECK-DAG: llvm.func @nl_scratch_take_at(i64, !llvm.ptr, i64, i64, i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @nl_gpu_alloc_at(i64, !llvm.ptr, i64, i64, i64) -> !llvm.ptr

// CHECK-LABEL: func.func @dynamic(
// CHECK-SAME: %[[N:.+]]: index, %[[M:.+]]: index
// CHECK-DAG: %[[N64:.+]] = arith.index_cast %[[N]] : index to i64
// CHECK-DAG: %[[M64:.+]] = arith.index_cast %[[M]] : index to i64
// CHECK: %[[LO1:.+]], %[[HI1:.+]] = arith.mulsi_extended %{{.+}}, %[[N64]] : i64
// CHECK: arith.cmpi ne, %[[HI1]]
// CHECK: %[[LO2:.+]], %[[HI2:.+]] = arith.mulsi_extended %[[LO1]], %[[M64]] : i64
// CHECK: %[[BYTES:.+]] = arith.select %{{.+}}, %{{.+}}, %[[LO2]] : i64
// CHECK: %[[NAME:.+]] = llvm.mlir.addressof @[[$FILE]]
// CHECK: %[[P:.+]] = llvm.call @nl_alloc_at(%[[BYTES]], %{{.+}}, %[[NAME]], %{{.+}}, %{{.+}}, %{{.+}})
// CHECK: llvm.insertvalue %[[P]], %{{.+}}[0]
// CHECK: llvm.insertvalue %[[P]], %{{.+}}[1]
// CHECK: %[[T:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)> to memref<?x?xf32>
// CHECK: memref.store %{{.+}}, %[[T]]
// CHECK: %[[D:.+]] = builtin.unrealized_conversion_cast %[[T]] : memref<?x?xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK: %[[Q:.+]] = llvm.extractvalue %[[D]][0]
// CHECK: llvm.call @nl_dealloc(%[[Q]])
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @dynamic(%n: index, %m: index) {
  %t = memref.alloc(%n, %m) : memref<?x?xf32> loc("prog.nl":3:11)
  %c0 = arith.constant 0 : index
  %x = arith.constant 1.0 : f32
  memref.store %x, %t[%c0, %c0] : memref<?x?xf32>
  memref.dealloc %t : memref<?x?xf32>
  return
}

// The alignment and the location are passed as constants.
// CHECK-LABEL: func.func @located(
// CHECK-DAG: %[[ALIGN:.+]] = arith.constant 64 : i64
// CHECK-DAG: %[[LEN:.+]] = arith.constant 7 : i64
// CHECK-DAG: %[[LINE:.+]] = arith.constant 5 : i64
// CHECK-DAG: %[[COL:.+]] = arith.constant 9 : i64
// CHECK: llvm.call @nl_alloc_at(%{{.+}}, %[[ALIGN]], %{{.+}}, %[[LEN]], %[[LINE]], %[[COL]])
func.func @located() -> memref<16xi8> {
  %t = memref.alloc() : memref<16xi8> loc("prog.nl":5:9)
  return %t : memref<16xi8>
}

// A scratch allocation (`nlc.scratch`, tile-pack-dot-operands' buffers)
// comes from the runtime's kept blocks, without an alignment argument (they
// are 64-byte aligned); nl_dealloc gives it back like any other.
// CHECK-LABEL: func.func @scratch(
// CHECK-DAG: %[[LEN:.+]] = arith.constant 7 : i64
// CHECK-DAG: %[[LINE:.+]] = arith.constant 8 : i64
// CHECK-DAG: %[[COL:.+]] = arith.constant 2 : i64
// CHECK: %[[P:.+]] = llvm.call @nl_scratch_take_at(%{{.+}}, %{{.+}}, %[[LEN]], %[[LINE]], %[[COL]])
// CHECK-NOT: @nl_alloc_at
// CHECK: llvm.call @nl_dealloc(
func.func @scratch(%n: index) {
  %t = memref.alloc(%n) {nlc.scratch} : memref<?xf32> loc("prog.nl":8:2)
  memref.dealloc %t : memref<?xf32>
  return
}

// A tensor on the GPU (`nlc.device_memory`, in a program built for one)
// comes from nl_gpu_alloc_at (managed memory, without an alignment
// argument); nl_dealloc frees it like any other.
// CHECK-LABEL: func.func @device_memory(
// CHECK-DAG: %[[LEN:.+]] = arith.constant 7 : i64
// CHECK-DAG: %[[LINE:.+]] = arith.constant 9 : i64
// CHECK-DAG: %[[COL:.+]] = arith.constant 3 : i64
// CHECK: %[[P:.+]] = llvm.call @nl_gpu_alloc_at(%{{.+}}, %{{.+}}, %[[LEN]], %[[LINE]], %[[COL]])
// CHECK-NOT: @nl_alloc_at
// CHECK: llvm.call @nl_dealloc(
func.func @device_memory(%n: index) {
  %t = memref.alloc(%n) {nlc.device_memory} : memref<?xf32> loc("prog.nl":9:3)
  memref.dealloc %t : memref<?xf32>
  return
}

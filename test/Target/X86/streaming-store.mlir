// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s
// Streaming stores (X86Memory.cpp): the store of a `dot`'s result of 16 KiB
// or more chooses at run time between non-temporal vector stores (aligned
// to the vector, then an `sfence`) and the usual ones: streaming when its
// tile accumulated at most 512 k (here 32, a constant made before the
// `dot`), the view's 2-D slice spans at least 8 MiB (2097152 f32: rows
// times row stride) and the tile's first element and the row stride are
// whole vectors (an or of the two, remainder by 64 bytes). A store that
// computes its tile of 8 KiB or more from elementwise ops of loaded tiles
// (a layernorm's last pass) streams where the view spans at least 16 MiB
// (4194304 f32), with no K condition (its k is 0). Other stores never
// stream: smaller tiles (under 16 KiB for a `dot`'s result, under 8 KiB
// for a computed tile), and tiles computed from a `dot`'s result (an
// epilogue, whose K matters) or from another computed full-size tile
// under 32 KiB. From 32 KiB on, a tile computed from one the kernel computed
// before (a softmax's `e / sum(e)`, e in a buffer) streams too, unless
// that one comes from a `dot`.

// CHECK-LABEL: func.func @dot_result(
// CHECK: %[[K:.+]] = arith.cmpi ule, %{{.+}}, %c512 : index
// CHECK: %[[SPAN:.+]] = arith.muli %[[ROWS:.+]], %[[STRIDE:.+]] : index
// CHECK: %[[BIG:.+]] = arith.cmpi uge, %[[SPAN]], %c2097152 : index
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: %[[BOTH:.+]] = arith.ori
// CHECK: %[[REM:.+]] = arith.remui %[[BOTH]], %c64{{.*}} : index
// CHECK: %[[AL:.+]] = arith.cmpi eq, %[[REM]], %c0{{.*}} : index
// CHECK: %[[OK:.+]] = arith.andi %[[BIG]], %[[AL]] : i1
// CHECK: %[[STREAM:.+]] = arith.andi %[[OK]], %[[K]] : i1
// CHECK: scf.if %[[STREAM]] {
// CHECK: vector.store {{.+}} {alignment = 64 : i64, nontemporal = true} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"() : () -> ()
// CHECK-NEXT: } else {
// CHECK-NOT: nontemporal
// CHECK: vector.store {{.+}} : memref<?x?xf32, strided<[?, 1], offset: ?>>, vector<16xf32>
// CHECK-LABEL: func.func @small_dot(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK-LABEL: func.func @computed(
// CHECK: %[[K0:.+]] = arith.cmpi ule, %c0{{.*}}, %c512 : index
// CHECK: %[[CSPAN:.+]] = arith.muli %{{.+}}, %{{.+}} : index
// CHECK: %[[CBIG:.+]] = arith.cmpi uge, %[[CSPAN]], %c4194304 : index
// CHECK: %[[COK:.+]] = arith.andi %[[CBIG]], %{{.+}} : i1
// CHECK: %[[CSTREAM:.+]] = arith.andi %[[COK]], %[[K0]] : i1
// CHECK: scf.if %[[CSTREAM]] {
// CHECK: math.exp
// CHECK: vector.store {{.+}} {alignment = 64 : i64, nontemporal = true}
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"() : () -> ()
// A rank-1 store's span is its view's length (memref.dim), and only its
// first element's alignment is checked (no row stride).
// CHECK-LABEL: func.func @computed_line(
// CHECK: %[[LEN:.+]] = memref.dim %{{.+}}, %c0{{.*}} : memref<?xf32, strided<[1], offset: ?>>
// CHECK: %[[LBIG:.+]] = arith.cmpi uge, %[[LEN]], %c4194304 : index
// CHECK: %[[PTR:.+]] = memref.extract_aligned_pointer_as_index
// CHECK: %[[FIRST:.+]] = arith.addi %[[PTR]], %{{.+}} : index
// CHECK-NOT: arith.ori
// CHECK: arith.remui %[[FIRST]], %c64{{.*}} : index
// CHECK: scf.if %{{.+}} {
// CHECK: vector.store {{.+}} {alignment = 64 : i64, nontemporal = true} : memref<?xf32, strided<[1], offset: ?>>, vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"() : () -> ()
// A computed tile of 8 KiB streams too (a layernorm's row of 2048 f32); a
// `dot` result of 8 KiB does not.
// CHECK-LABEL: func.func @computed_8k(
// CHECK: arith.cmpi uge, %{{.+}}, %c4194304 : index
// CHECK: vector.store {{.+}} {alignment = 64 : i64, nontemporal = true}
// CHECK-LABEL: func.func @dot_8k(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK-LABEL: func.func @small_computed(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK-LABEL: func.func @dot_epilogue(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK-LABEL: func.func @buffered_32k(
// CHECK: math.exp
// CHECK: arith.cmpi uge, %{{.+}}, %c4194304 : index
// CHECK: arith.divf
// CHECK: vector.store {{.+}} {alignment = 64 : i64, nontemporal = true}
// CHECK: llvm.call_intrinsic "llvm.x86.sse.sfence"() : () -> ()
// CHECK-LABEL: func.func @buffered_16k(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK-LABEL: func.func @dot_epilogue_64k(
// CHECK-NOT: nontemporal
// CHECK-NOT: sfence
// CHECK: return
func.func @dot_result(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                      %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<64x32xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf32, col_major>
  %c = tile.dot %a, %b : !tile.tile<64x32xf32>, !tile.tile<32x64xf32, col_major> -> !tile.tile<64x64xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @small_dot(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                     %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<16x32xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x16xf32, col_major>
  %c = tile.dot %a, %b : !tile.tile<16x32xf32>, !tile.tile<32x16xf32, col_major> -> !tile.tile<16x16xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<16x16xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @computed(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                     %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<64x64xf32>
  %e = tile.exp %a : !tile.tile<64x64xf32>
  tile.store %e, %w[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @computed_line(%v: memref<?xf32, strided<[?], offset: ?>>,
                         %w: memref<?xf32, strided<[?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i] : memref<?xf32, strided<[?], offset: ?>> -> !tile.tile<4096xf32>
  %e = tile.exp %a : !tile.tile<4096xf32>
  tile.store %e, %w[%i] : !tile.tile<4096xf32>, memref<?xf32, strided<[?], offset: ?>>
  return
}
func.func @computed_8k(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                       %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x2048xf32>
  %e = tile.exp %a : !tile.tile<1x2048xf32>
  tile.store %e, %w[%i, %i] : !tile.tile<1x2048xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @dot_8k(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                  %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x32xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf32, col_major>
  %c = tile.dot %a, %b : !tile.tile<32x32xf32>, !tile.tile<32x64xf32, col_major> -> !tile.tile<32x64xf32>
  tile.store %c, %w[%i, %i] : !tile.tile<32x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @small_computed(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                          %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x32xf32>
  %e = tile.exp %a : !tile.tile<32x32xf32>
  tile.store %e, %w[%i, %i] : !tile.tile<32x32xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @dot_epilogue(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                        %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<64x32xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x64xf32, col_major>
  %c = tile.dot %a, %b : !tile.tile<64x32xf32>, !tile.tile<32x64xf32, col_major> -> !tile.tile<64x64xf32>
  %e = tile.exp %c : !tile.tile<64x64xf32>
  tile.store %e, %w[%i, %i] : !tile.tile<64x64xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
// A softmax's last pass over rows of 8192 f32 (32 KiB) and of 4096.
func.func @buffered_32k(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                        %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x8192xf32>
  %e = tile.exp %a : !tile.tile<1x8192xf32>
  %s = tile.reduce sum %e along 1 : !tile.tile<1x8192xf32> -> !tile.tile<1xf32>
  %sb = tile.broadcast %s along 1 : !tile.tile<1xf32> -> !tile.tile<1x8192xf32>
  %y = tile.div %e, %sb : !tile.tile<1x8192xf32>
  tile.store %y, %w[%i, %i] : !tile.tile<1x8192xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
func.func @buffered_16k(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                        %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<1x4096xf32>
  %e = tile.exp %a : !tile.tile<1x4096xf32>
  %s = tile.reduce sum %e along 1 : !tile.tile<1x4096xf32> -> !tile.tile<1xf32>
  %sb = tile.broadcast %s along 1 : !tile.tile<1xf32> -> !tile.tile<1x4096xf32>
  %y = tile.div %e, %sb : !tile.tile<1x4096xf32>
  tile.store %y, %w[%i, %i] : !tile.tile<1x4096xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}
// An epilogue of 64 KiB keeps its normal stores.
func.func @dot_epilogue_64k(%v: memref<?x?xf32, strided<[?, ?], offset: ?>>,
                            %w: memref<?x?xf32, strided<[?, ?], offset: ?>>, %i: index) {
  %a = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<128x32xf32>
  %b = tile.load %v[%i, %i] : memref<?x?xf32, strided<[?, ?], offset: ?>> -> !tile.tile<32x128xf32, col_major>
  %c = tile.dot %a, %b : !tile.tile<128x32xf32>, !tile.tile<32x128xf32, col_major> -> !tile.tile<128x128xf32>
  %e = tile.exp %c : !tile.tile<128x128xf32>
  tile.store %e, %w[%i, %i] : !tile.tile<128x128xf32>, memref<?x?xf32, strided<[?, ?], offset: ?>>
  return
}

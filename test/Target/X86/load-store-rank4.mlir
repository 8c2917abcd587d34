// RUN: %nlc-opt %s -convert-tile-to-x86="vector-bits=512" | FileCheck %s --enable-var-scope
// tile.load and tile.store on a rank-4 view: the leading indices pick the
// 2-D slice (an index out of range leaves no valid row, and 0 stands in
// for it so that no address is formed from it); the vectors address the
// slice's last two dimensions.

// CHECK-LABEL: func.func @copy4(
// CHECK-SAME: %[[V:[^:]+]]: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, %[[B:[^:]+]]: index, %[[H:[^:]+]]: index, %[[I:[^:]+]]: index
// CHECK: %{{.+}}, %{{.+}}, %[[SIZES:.+]]:4, %{{.+}}:4 = memref.extract_strided_metadata %[[V]]
// CHECK: %[[OKB:.+]] = arith.cmpi ult, %[[B]], %[[SIZES]]#0 : index
// CHECK: %[[SB:.+]] = arith.select %[[OKB]], %[[B]], %{{.+}} : index
// CHECK: %[[OKH:.+]] = arith.cmpi ult, %[[H]], %[[SIZES]]#1 : index
// CHECK: %[[LEADOK:.+]] = arith.andi %[[OKB]], %[[OKH]] : i1
// CHECK: %[[SH:.+]] = arith.select %[[OKH]], %[[H]], %{{.+}} : index
// CHECK: arith.ceildivui %[[SIZES]]#2
// CHECK: arith.ceildivui %[[SIZES]]#3
// CHECK: arith.select %[[LEADOK]], %{{.+}}, %{{.+}} : index
// CHECK: %[[VIEW:.+]] = memref.reinterpret_cast {{.+}} to memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>
// CHECK: vector.load %[[VIEW]][%[[SB]], %[[SH]], %{{.+}}, %{{.+}}] : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>>, vector<16xf32>
// CHECK: vector.maskedstore %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}]
func.func @copy4(%v: memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>, %b: index, %h: index, %i: index) {
  %t = tile.load %v[%b, %h, %i, %i] : memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>> -> !tile.tile<3x20xf32>
  tile.store %t, %v[%b, %h, %i, %i] : !tile.tile<3x20xf32>, memref<?x?x?x?xf32, strided<[?, ?, ?, ?], offset: ?>>
  return
}

// RUN: %nlc-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// tile.launch: round trip, and one case per verifier error.

// CHECK-LABEL: func.func @host(
// CHECK: tile.launch @scale[%{{.+}}, %{{.+}}] (%{{.+}}, %{{.+}}) : memref<?xf32, strided<[?], offset: ?>>, f32
// CHECK: tile.launch @empty[%{{.+}}] ()
func.func private @scale(%x: memref<?xf32, strided<[?], offset: ?>>, %k: f32) attributes {tile.kernel} {
  return
}
func.func private @empty() attributes {tile.kernel} {
  return
}
func.func @host(%x: memref<?xf32, strided<[?], offset: ?>>, %k: f32, %n: index) {
  tile.launch @scale[%n, %n] (%x, %k) : memref<?xf32, strided<[?], offset: ?>>, f32
  tile.launch @empty[%n] ()
  return
}

// -----

func.func @host(%n: index) {
  // expected-error@+1 {{kernel `missing` is not a function}}
  tile.launch @missing[%n] ()
  return
}

// -----

func.func private @plain() {
  return
}
func.func @host(%n: index) {
  // expected-error@+1 {{`plain` is not marked `tile.kernel`}}
  tile.launch @plain[%n] ()
  return
}

// -----

func.func private @k(%x: f32) -> f32 attributes {tile.kernel} {
  return %x : f32
}
func.func @host(%n: index, %x: f32) {
  // expected-error@+1 {{kernel `k` must return nothing}}
  tile.launch @k[%n] (%x) : f32
  return
}

// -----

func.func private @k(%x: f32) attributes {tile.kernel} {
  return
}
func.func @host(%n: index, %x: i32) {
  // expected-error@+1 {{argument types do not match kernel `k`: '(f32) -> ()'}}
  tile.launch @k[%n] (%x) : i32
  return
}

// -----

func.func private @k() attributes {tile.kernel} {
  return
}
func.func @host(%n: index) {
  // expected-error@+1 {{expects 1 to 3 grid sizes, got 4}}
  tile.launch @k[%n, %n, %n, %n] ()
  return
}

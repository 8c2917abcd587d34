// RUN: %nlc-opt %s -split-input-file -verify-diagnostics
// One case per verifier error of the tile dialect.

// expected-error@+1 {{tiles have rank 1 or 2, not 3}}
func.func @rank3(%a: !tile.tile<2x2x2xf32>)

// -----

// expected-error@+1 {{tile dimensions must be positive, found 0}}
func.func @zero_dim(%a: !tile.tile<0x4xf32>)

// -----

// expected-error@+1 {{tile elements must be integers or floats, found 'index'}}
func.func @index_elems(%a: !tile.tile<4xindex>)

// -----

// expected-error@+1 {{a rank-1 tile has no layout}}
func.func @rank1_layout(%a: !tile.tile<4xf32, col_major>)

// -----

// expected-error@+1 {{expected `row_major`, `col_major` or an encoding attribute}}
func.func @bad_layout(%a: !tile.tile<4x4xf32, diagonal>)

// -----

func.func @splat(%x: f16) {
  // expected-error@+1 {{value type 'f16' does not match the element type of '!tile.tile<4xf32>'}}
  %t = tile.splat %x : f16 -> !tile.tile<4xf32>
  return
}

// -----

func.func @iota() {
  // expected-error@+1 {{result must be a rank-1 integer tile, found '!tile.tile<4xf32>'}}
  %t = tile.iota : !tile.tile<4xf32>
  return
}

// -----

func.func @load_rank(%v: memref<?x?xf32>, %i: index) {
  // expected-error@+1 {{tile rank 1 does not match view rank 2}}
  %t = tile.load %v[%i, %i] : memref<?x?xf32> -> !tile.tile<4xf32>
  return
}

// -----

func.func @load_indices(%v: memref<?x?xf32>, %i: index) {
  // expected-error@+1 {{expected 2 indices, found 1}}
  %t = tile.load %v[%i] : memref<?x?xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @load_dtype(%v: memref<?x?xf16>, %i: index) {
  // expected-error@+1 {{tile element type 'f32' does not match view element type 'f16'}}
  %t = tile.load %v[%i, %i] : memref<?x?xf16> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @load_padding(%v: memref<?x?xf32>, %i: index, %p: f16) {
  // expected-error@+1 {{padding type 'f16' does not match element type 'f32'}}
  %t = tile.load %v[%i, %i] padding(%p : f16) : memref<?x?xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @store_indices(%t: !tile.tile<4xf32>, %v: memref<?xf32>, %i: index) {
  // expected-error@+1 {{expected 1 indices, found 2}}
  tile.store %t, %v[%i, %i] : !tile.tile<4xf32>, memref<?xf32>
  return
}

// -----

func.func @exp_int(%t: !tile.tile<4xi32>) {
  // expected-error@+1 {{needs a float tile, found '!tile.tile<4xi32>'}}
  %r = tile.exp %t : !tile.tile<4xi32>
  return
}

// -----

func.func @cmp_result(%a: !tile.tile<4xf32>) {
  // expected-error@+1 {{result must be '!tile.tile<4xi1>', found '!tile.tile<4xi8>'}}
  %m = tile.cmp eq, %a, %a : !tile.tile<4xf32> -> !tile.tile<4xi8>
  return
}

// -----

func.func @select_cond(%c: !tile.tile<8xi1>, %a: !tile.tile<4xf32>) {
  // expected-error@+1 {{condition must be '!tile.tile<4xi1>', found '!tile.tile<8xi1>'}}
  %r = tile.select %c, %a, %a : !tile.tile<8xi1>, !tile.tile<4xf32>
  return
}

// -----

func.func @cast_shape(%a: !tile.tile<4x4xf32>) {
  // expected-error@+1 {{cannot change the shape or layout: '!tile.tile<4x4xf32>' to '!tile.tile<16xf16>'}}
  %r = tile.cast %a : !tile.tile<4x4xf32> -> !tile.tile<16xf16>
  return
}

// -----

func.func @reduce_axis(%a: !tile.tile<4x8xf32>) {
  // expected-error@+1 {{axis 2 is out of range for '!tile.tile<4x8xf32>'}}
  %r = tile.reduce sum %a along 2 : !tile.tile<4x8xf32> -> !tile.tile<4xf32>
  return
}

// -----

func.func @reduce_result(%a: !tile.tile<4x8xf32>) {
  // expected-error@+1 {{result must be '!tile.tile<4xf32>', found '!tile.tile<8xf32>'}}
  %r = tile.reduce max %a along 1 : !tile.tile<4x8xf32> -> !tile.tile<8xf32>
  return
}

// -----

func.func @argmax_result(%a: !tile.tile<8xf32>) {
  // expected-error@+1 {{result must be 'i32', found 'f32'}}
  %r = tile.reduce argmax %a along 0 : !tile.tile<8xf32> -> f32
  return
}

// -----

func.func @broadcast_rank(%a: !tile.tile<4x4xf32>) {
  // expected-error@+1 {{broadcasts a rank-1 tile to a rank-2 tile, found '!tile.tile<4x4xf32>' to '!tile.tile<4x4xf32>'}}
  %r = tile.broadcast %a along 0 : !tile.tile<4x4xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @broadcast_axis(%a: !tile.tile<4xf32>) {
  // expected-error@+1 {{axis must be 0 or 1, found 3}}
  %r = tile.broadcast %a along 3 : !tile.tile<4xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @broadcast_dtype(%a: !tile.tile<4xf32>) {
  // expected-error@+1 {{element types differ: '!tile.tile<4xf32>' and '!tile.tile<8x4xf16>'}}
  %r = tile.broadcast %a along 0 : !tile.tile<4xf32> -> !tile.tile<8x4xf16>
  return
}

// -----

func.func @broadcast_length(%a: !tile.tile<4xf32>) {
  // expected-error@+1 {{source length 4 does not match result dimension 1 of '!tile.tile<4x8xf32>'}}
  %r = tile.broadcast %a along 0 : !tile.tile<4xf32> -> !tile.tile<4x8xf32>
  return
}

// -----

func.func @transpose_rank(%a: !tile.tile<4xf32>) {
  // expected-error@+1 {{needs a rank-2 tile, found '!tile.tile<4xf32>'}}
  %r = tile.transpose %a : !tile.tile<4xf32> -> !tile.tile<4xf32>
  return
}

// -----

func.func @transpose_layout(%a: !tile.tile<4x8xf32>) {
  // expected-error@+1 {{result must be '!tile.tile<8x4xf32, col_major>', found '!tile.tile<8x4xf32>'}}
  %r = tile.transpose %a : !tile.tile<4x8xf32> -> !tile.tile<8x4xf32>
  return
}

// -----

func.func @pair_rows_odd(%a: !tile.tile<5x8xbf16>) {
  // expected-error@+1 {{needs a number of rows that is a multiple of 2, found '!tile.tile<5x8xbf16>'}}
  %r = tile.pair_rows %a : !tile.tile<5x8xbf16> -> !tile.tile<2x16xbf16>
  return
}

// -----

func.func @pair_rows_shape(%a: !tile.tile<4x8xbf16>) {
  // expected-error@+1 {{groups the rows of '!tile.tile<4x8xbf16>' into 2x16, found '!tile.tile<4x8xbf16>'}}
  %r = tile.pair_rows %a : !tile.tile<4x8xbf16> -> !tile.tile<4x8xbf16>
  return
}

// -----

func.func @pair_rows_quads_rows(%a: !tile.tile<6x16xi8>) {
  // expected-error@+1 {{needs a number of rows that is a multiple of 4, found '!tile.tile<6x16xi8>'}}
  %r = tile.pair_rows %a group 4 : !tile.tile<6x16xi8> -> !tile.tile<3x32xi8>
  return
}

// -----

func.func @pair_rows_quads_shape(%a: !tile.tile<8x16xi8>) {
  // expected-error@+1 {{groups the rows of '!tile.tile<8x16xi8>' into 2x64, found '!tile.tile<4x32xi8>'}}
  %r = tile.pair_rows %a group 4 : !tile.tile<8x16xi8> -> !tile.tile<4x32xi8>
  return
}

// -----

func.func @pair_rows_group(%a: !tile.tile<8x16xi8>) {
  // expected-error@+1 {{groups rows by 2 or 4, found 3}}
  %r = tile.unpair_rows %a group 3 : !tile.tile<8x16xi8> -> !tile.tile<24x16xi8>
  return
}

// -----

func.func @pair_rows_rank(%a: !tile.tile<8xbf16>) {
  // expected-error@+1 {{needs rank-2 tiles, found '!tile.tile<8xbf16>' and '!tile.tile<8xbf16>'}}
  %r = tile.pair_rows %a : !tile.tile<8xbf16> -> !tile.tile<8xbf16>
  return
}

// -----

func.func @unpair_rows_type(%a: !tile.tile<2x16xbf16>) {
  // expected-error@+1 {{element types differ: '!tile.tile<4x8xf32>' and '!tile.tile<2x16xbf16>'}}
  %r = tile.unpair_rows %a : !tile.tile<2x16xbf16> -> !tile.tile<4x8xf32>
  return
}

// -----

func.func @pair_rows_block_columns(%a: !tile.tile<4x24xbf16>) {
  // expected-error@+1 {{needs a number of columns that is a multiple of the block 16, found '!tile.tile<4x24xbf16>'}}
  %r = tile.pair_rows %a block 16 : !tile.tile<4x24xbf16> -> !tile.tile<2x48xbf16>
  return
}

// -----

func.func @pair_rows_block_shape(%a: !tile.tile<4x32xbf16>) {
  // expected-error@+1 {{groups the rows of '!tile.tile<4x32xbf16>' into 4x32, found '!tile.tile<2x64xbf16>'}}
  %r = tile.pair_rows %a block 16 : !tile.tile<4x32xbf16> -> !tile.tile<2x64xbf16>
  return
}

// -----

func.func @unpair_rows_block_negative(%a: !tile.tile<4x32xbf16>) {
  // expected-error@+1 {{needs a positive block, found -16}}
  %r = tile.unpair_rows %a block -16 : !tile.tile<4x32xbf16> -> !tile.tile<4x32xbf16>
  return
}

// -----

func.func @reshape_count(%a: !tile.tile<4x8xf32>) {
  // expected-error@+1 {{element count changes: '!tile.tile<4x8xf32>' has 32, '!tile.tile<30xf32>' has 30}}
  %r = tile.reshape %a : !tile.tile<4x8xf32> -> !tile.tile<30xf32>
  return
}

// -----

func.func @reshape_dtype(%a: !tile.tile<4x8xf32>) {
  // expected-error@+1 {{element types differ: '!tile.tile<4x8xf32>' and '!tile.tile<32xf16>'}}
  %r = tile.reshape %a : !tile.tile<4x8xf32> -> !tile.tile<32xf16>
  return
}

// -----

func.func @dot_rank(%a: !tile.tile<4xf32>, %b: !tile.tile<4x4xf32>) {
  // expected-error@+1 {{needs rank-2 tiles}}
  %r = tile.dot %a, %b : !tile.tile<4xf32>, !tile.tile<4x4xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @dot_inner(%a: !tile.tile<4x8xf16>, %b: !tile.tile<4x4xf16>) {
  // expected-error@+1 {{inner dimensions differ: '!tile.tile<4x8xf16>' has 8 columns, '!tile.tile<4x4xf16>' has 4 rows}}
  %r = tile.dot %a, %b : !tile.tile<4x8xf16>, !tile.tile<4x4xf16> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @dot_mixed(%a: !tile.tile<4x4xf16>, %b: !tile.tile<4x4xbf16>) {
  // expected-error@+1 {{operand element types differ: 'f16' and 'bf16'}}
  %r = tile.dot %a, %b : !tile.tile<4x4xf16>, !tile.tile<4x4xbf16> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @dot_dtype(%a: !tile.tile<4x4xi32>) {
  // expected-error@+1 {{unsupported operand element type 'i32'}}
  %r = tile.dot %a, %a : !tile.tile<4x4xi32>, !tile.tile<4x4xi32> -> !tile.tile<4x4xi32>
  return
}

// -----

func.func @dot_shape(%a: !tile.tile<4x8xf32>, %b: !tile.tile<8x2xf32>) {
  // expected-error@+1 {{result shape must be 4x2, found '!tile.tile<4x4xf32>'}}
  %r = tile.dot %a, %b : !tile.tile<4x8xf32>, !tile.tile<8x2xf32> -> !tile.tile<4x4xf32>
  return
}

// -----

func.func @dot_acc_type(%a: !tile.tile<4x4xf16>) {
  // expected-error@+1 {{result element type must be 'f32', found 'f16'}}
  %r = tile.dot %a, %a : !tile.tile<4x4xf16>, !tile.tile<4x4xf16> -> !tile.tile<4x4xf16>
  return
}

// -----

func.func @program_id() {
  // expected-error@+1 {{attribute 'axis' failed to satisfy constraint}}
  %p = tile.program_id 3
  return
}

// -----

// Types that differ only in their encoding are different types.
func.func @encoding_mismatch(%a: !tile.tile<8xf32, "x">) {
  // expected-error@+1 {{result must be '!tile.tile<8xi1, row_major, "x">', found '!tile.tile<8xi1>'}}
  %m = tile.cmp lt, %a, %a : !tile.tile<8xf32, "x"> -> !tile.tile<8xi1>
  return
}

// -----

// expected-error@+1 {{expected attribute value}}
func.func @encoding_missing(%a: !tile.tile<8x8xf32, col_major, >) {
  return
}

// -----

func.func @fused_axes(%a: !tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  // expected-error@+1 {{needs one broadcast entry per input, found 2 for 1}}
  %r = tile.fused(%a) broadcast [-1, -1] : (!tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32):
    tile.yield %x : f32
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

func.func @fused_shape(%a: !tile.tile<4xf32>) -> !tile.tile<4x8xf32> {
  // expected-error@+1 {{input 0 of type '!tile.tile<4xf32>' does not fit result '!tile.tile<4x8xf32>' with broadcast 0}}
  %r = tile.fused(%a) broadcast [0] : (!tile.tile<4xf32>) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32):
    tile.yield %x : f32
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

func.func @fused_scalar_broadcast(%s: f32) -> !tile.tile<4x8xf32> {
  // expected-error@+1 {{scalar input 0 cannot be broadcast}}
  %r = tile.fused(%s) broadcast [1] : (f32) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32):
    tile.yield %x : f32
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

func.func @fused_arg_type(%a: !tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  // expected-error@+1 {{body argument 0 must be 'f32', found 'f16'}}
  %r = tile.fused(%a) broadcast [-1] : (!tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f16):
    %y = arith.extf %x : f16 to f32
    tile.yield %y : f32
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

func.func @fused_yield_type(%a: !tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  // expected-error@+1 {{body yields 'f16', result elements are 'f32'}}
  %r = tile.fused(%a) broadcast [-1] : (!tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32):
    %y = arith.truncf %x : f32 to f16
    tile.yield %y : f16
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

func.func @fused_effects(%a: !tile.tile<4x8xf32>, %m: memref<f32>) -> !tile.tile<4x8xf32> {
  %r = tile.fused(%a) broadcast [-1] : (!tile.tile<4x8xf32>) -> !tile.tile<4x8xf32> {
  ^bb0(%x: f32):
    // expected-error@+1 {{cannot be in a tile.fused body: it has side effects}}
    %buf = memref.alloca() : memref<1xf32>
    tile.yield %x : f32
  }
  return %r : !tile.tile<4x8xf32>
}

// -----

// A view of rank 3 or 4 holds rank-2 tiles only.
func.func @load_rank4_tile1(%v: memref<?x?x?x?xf32>, %i: index) {
  // expected-error@+1 {{tile rank 1 does not match view rank 4}}
  %t = tile.load %v[%i, %i, %i, %i] : memref<?x?x?x?xf32> -> !tile.tile<4xf32>
  return
}

// -----

// One index per view dimension: the leading ones, then the tile index.
func.func @store_rank3_indices(%t: !tile.tile<4x4xf32>, %v: memref<?x?x?xf32>, %i: index) {
  // expected-error@+1 {{expected 3 indices, found 2}}
  tile.store %t, %v[%i, %i] : !tile.tile<4x4xf32>, memref<?x?x?xf32>
  return
}

// -----

func.func @load_rank5(%v: memref<?x?x?x?x?xf32>, %i: index) {
  // expected-error@+1 {{operand #0 must be 1D/2D/3D/4D memref of any type values}}
  %t = tile.load %v[%i, %i, %i, %i, %i] : memref<?x?x?x?x?xf32> -> !tile.tile<4x4xf32>
  return
}

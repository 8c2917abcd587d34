// RUN: %nlc-opt %s -split-input-file --convert-tile-to-scf -verify-diagnostics
// What must not reach the reference lowering.

// Tiles do not cross function boundaries: kernels on tiles are inlined
// before this lowering.
// expected-error@+1 {{'func.func' op takes or returns a tile: tiles cannot cross function boundaries in the reference lowering (inline kernels on tiles first)}}
func.func @takes_tile(%t: !tile.tile<8xf32>) -> f32 {
  %s = tile.reduce sum %t along 0 : !tile.tile<8xf32> -> f32
  return %s : f32
}

// -----

// expected-error@+1 {{takes or returns a tile}}
func.func @returns_tile(%x: f32) -> !tile.tile<8xf32> {
  %t = tile.splat %x : f32 -> !tile.tile<8xf32>
  return %t : !tile.tile<8xf32>
}

// -----

// expected-error@+1 {{takes or returns a tile}}
func.func private @declared(!tile.tile<4x4xf16>)

// -----

// Grid queries become arguments in the launch lowering, which runs first.
func.func @program_id() -> index {
  // expected-error@+1 {{'tile.program_id' op must be lowered by the launch lowering first}}
  %p = tile.program_id 0
  return %p : index
}

// -----

func.func @num_programs() -> index {
  // expected-error@+1 {{'tile.num_programs' op must be lowered by the launch lowering first}}
  %n = tile.num_programs 1
  return %n : index
}

// -----

// The largest tile is 1 GiB; the element count may not even fit in 64 bits.
func.func @too_large(%x: f32) -> f32 {
  // expected-error@+1 {{result '!tile.tile<16384x32768xf32>' is larger than the reference lowering's limit of 1073741824 bytes (1 GiB) per tile}}
  %t = tile.splat %x : f32 -> !tile.tile<16384x32768xf32>
  %r = tile.reduce sum %t along 1 : !tile.tile<16384x32768xf32> -> !tile.tile<16384xf32>
  %s = tile.reduce sum %r along 0 : !tile.tile<16384xf32> -> f32
  return %s : f32
}

// -----

func.func @overflowing(%x: i8) -> i8 {
  // expected-error@+1 {{larger than the reference lowering's limit}}
  %t = tile.splat %x : i8 -> !tile.tile<4611686018427387904x8xi8>
  %r = tile.reduce max %t along 0 : !tile.tile<4611686018427387904x8xi8> -> !tile.tile<8xi8>
  %s = tile.reduce max %r along 0 : !tile.tile<8xi8> -> i8
  return %s : i8
}

// -----

// The largest allowed tile is accepted.
func.func @largest(%x: f32) -> f32 {
  %t = tile.splat %x : f32 -> !tile.tile<16384x16384xf32>
  %r = tile.reduce sum %t along 1 : !tile.tile<16384x16384xf32> -> !tile.tile<16384xf32>
  %s = tile.reduce sum %r along 0 : !tile.tile<16384xf32> -> f32
  return %s : f32
}

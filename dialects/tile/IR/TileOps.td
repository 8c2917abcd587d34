//===- TileOps.td - Tile dialect operations ----------------*- tablegen -*-===//
//
// Every op has a summary and a description with a small example: this text
// is the generated reference (docs/dialects/Tile.md).
//
//===----------------------------------------------------------------------===//

#ifndef NLC_TILE_OPS
#define NLC_TILE_OPS

include "dialects/tile/IR/TileInterfaces.td"
include "dialects/tile/IR/TileTypes.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

def Tile_View : MemRefRankOf<[AnyType], [1, 2, 3, 4]>;

//===----------------------------------------------------------------------===//
// Creation
//===----------------------------------------------------------------------===//

def Tile_SplatOp : Tile_Op<"splat",
    [Pure, DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "a tile whose every element is one scalar";
  let description = [{
    Backs `zeros` and `full`, and scalar operands of elementwise operators.
    The scalar has the tile's element type.

    ```mlir
    %zero = arith.constant 0.0 : f32
    %t = tile.splat %zero : f32 -> !tile.tile<64x64xf32>
    ```
  }];
  let arguments = (ins AnyTypeOf<[AnySignlessInteger, AnyFloat]>:$value);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$value attr-dict `:` qualified(type($value)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_IotaOp : Tile_Op<"iota", [Pure]> {
  let summary = "the rank-1 tile 0, 1, 2, ... (`arange`)";
  let description = [{
    Element `i` is `i`, converted to the element type (wrapping if the tile
    is longer than the type's range).

    ```mlir
    %i = tile.iota : !tile.tile<128xi32>
    ```
  }];
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

def Tile_LoadOp : Tile_Op<"load", [MemoryEffects<[MemRead]>,
                                   AttrSizedOperandSegments,
                                   Tile_AccessOpInterface]> {
  let summary = "read a tile from a view by tile index, padding outside it";
  let description = [{
    Reads the tile at tile index `[ti, tj]` of a strided view: element
    `(r, c)` of the result is `view[ti * M + r, tj * N + c]` for a result of
    shape `MxN`. Elements outside the view take `padding` (zero when
    omitted), so ragged edges need no special case in the kernel. A tile
    index outside `[0, ceil(dim / M))` (negative, or past the last tile,
    however large) gives a tile of padding: positions are compared without
    overflow, so no index wraps around onto another tile.

    A view of rank 3 or 4 holds a rank-2 tile over its last two dimensions:
    its first indices are element indices that pick one 2-D slice, and the
    last two are the tile index within it (`%view[%b, %h, %ti, %tj]` reads
    `view[b, h, ti * M + r, tj * N + c]`). A leading index outside
    `[0, dim)` gives a tile of padding, like a tile index out of range.

    ```mlir
    %a = tile.load %view[%ti, %tj] padding(%pad : f16)
        : memref<?x?xf16, strided<[?, 1], offset: ?>> -> !tile.tile<128x64xf16>
    %q = tile.load %qkv[%b, %h, %ti, %c0]
        : memref<?x?x?x?xf32, strided<[?, ?, ?, 1], offset: ?>> -> !tile.tile<16x16xf32>
    ```
  }];
  let arguments = (ins Tile_View:$view, Variadic<Index>:$indices,
                       Optional<AnyTypeOf<[AnySignlessInteger, AnyFloat]>>:$padding);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $view `[` $indices `]` (`padding` `(` $padding^ `:` qualified(type($padding)) `)`)?
    attr-dict `:` qualified(type($view)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tile read (AccessOpInterface).
    TileType getAccessedType() { return getType(); }
  }];
}

def Tile_StoreOp : Tile_Op<"store", [MemoryEffects<[MemWrite]>,
                                     Tile_AccessOpInterface]> {
  let summary = "write a tile to a view by tile index, masked at its edges";
  let description = [{
    Writes the elements of `value` that fall inside the view at tile index
    `[ti, tj]` (see `tile.load`); elements outside are dropped. A tile index
    outside `[0, ceil(dim / M))` writes nothing. On a view of rank 3 or 4 the
    leading indices pick a 2-D slice, as for `tile.load`; a leading index
    outside `[0, dim)` writes nothing.

    ```mlir
    tile.store %c, %view[%ti, %tj]
        : !tile.tile<128x128xf32>, memref<?x?xf32, strided<[?, 1], offset: ?>>
    ```
  }];
  let arguments = (ins Tile_TileType:$value, Tile_View:$view,
                       Variadic<Index>:$indices);
  let assemblyFormat = [{
    $value `,` $view `[` $indices `]` attr-dict `:` qualified(type($value)) `,` qualified(type($view))
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tile written (AccessOpInterface).
    TileType getAccessedType() { return getValue().getType(); }
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class Tile_BinaryOp<string mnemonic, string what, string details = "">
    : Tile_Op<mnemonic, [Pure, AllTypesMatch<["lhs", "rhs", "result"]>,
                         DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "elementwise " # what;
  let description = [{
    Both operands have the same tile type; integer tiles are signed and wrap
    on overflow. }] # details # [{

    ```mlir
    %r = tile.}] # mnemonic # [{ %a, %b : !tile.tile<64x64xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$lhs, Tile_TileType:$rhs);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` qualified(type($result))";
}

def Tile_AddOp : Tile_BinaryOp<"add", "addition"> { let hasFolder = 1; }
def Tile_SubOp : Tile_BinaryOp<"sub", "subtraction">;
def Tile_MulOp : Tile_BinaryOp<"mul", "multiplication"> { let hasFolder = 1; }
def Tile_DivOp : Tile_BinaryOp<"div", "division (integers: truncating)",
    "Integer division rounds toward zero and never traps: `x / 0` is 0 and "
    "`MIN / -1` wraps to `MIN`.">;
def Tile_MaxOp : Tile_BinaryOp<"max", "maximum (NaN if either is NaN)",
    "Floats: NaN if either element is NaN, and -0.0 is less than +0.0.">;
def Tile_MinOp : Tile_BinaryOp<"min", "minimum (NaN if either is NaN)",
    "Floats: NaN if either element is NaN, and -0.0 is less than +0.0.">;
def Tile_PowOp : Tile_BinaryOp<"pow", "power (floats only)",
    "`lhs` to the power `rhs`, C's `pow` (a negative base with a "
    "non-integer exponent gives NaN)."> {
  let hasVerifier = 1;
}

class Tile_UnaryOp<string mnemonic, string what, bit floatOnly = 1,
                   string details = "">
    : Tile_Op<mnemonic, [Pure, AllTypesMatch<["source", "result"]>,
                         DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "elementwise " # what;
  // Indented like the example below, which the doc generator dedents.
  let description = !if(floatOnly, "    Takes a float tile.",
                        "    Integer tiles are signed.")
      # !if(!empty(details), "", " " # details) # [{

    ```mlir
    %r = tile.}] # mnemonic # [{ %a : !tile.tile<128xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$source);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source attr-dict `:` qualified(type($result))";
  let hasVerifier = floatOnly;
}

def Tile_NegOp : Tile_UnaryOp<"neg", "negation", 0,
    "The negation of `MIN` wraps to `MIN`.">;
def Tile_AbsOp : Tile_UnaryOp<"abs", "absolute value", 0,
    "The absolute value of `MIN` wraps to `MIN`.">;
def Tile_ExpOp : Tile_UnaryOp<"exp", "exponential">;
def Tile_LogOp : Tile_UnaryOp<"log", "natural logarithm">;
def Tile_SqrtOp : Tile_UnaryOp<"sqrt", "square root">;
def Tile_RsqrtOp : Tile_UnaryOp<"rsqrt", "reciprocal square root">;
def Tile_TanhOp : Tile_UnaryOp<"tanh", "hyperbolic tangent">;
def Tile_ErfOp : Tile_UnaryOp<"erf", "error function">;
def Tile_SinOp : Tile_UnaryOp<"sin", "sine">;
def Tile_CosOp : Tile_UnaryOp<"cos", "cosine">;
def Tile_Exp2Op : Tile_UnaryOp<"exp2", "power of two">;
def Tile_Log2Op : Tile_UnaryOp<"log2", "base-2 logarithm">;
def Tile_FloorOp : Tile_UnaryOp<"floor", "rounding down">;
def Tile_CeilOp : Tile_UnaryOp<"ceil", "rounding up">;
def Tile_RoundOp : Tile_UnaryOp<"round",
    "rounding to nearest, ties away from zero">;
def Tile_TruncOp : Tile_UnaryOp<"trunc", "rounding toward zero">;

def Tile_CmpOp : Tile_Op<"cmp", [Pure, AllTypesMatch<["lhs", "rhs"]>,
    DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "elementwise comparison, giving an `i1` tile";
  let description = [{
    Floats compare ordered (false if either is NaN) except `ne`, which is true
    for NaN; integers compare signed.

    ```mlir
    %m = tile.cmp lt, %a, %b : !tile.tile<64xf32> -> !tile.tile<64xi1>
    ```
  }];
  let arguments = (ins Tile_CmpPredicate:$predicate, Tile_TileType:$lhs,
                       Tile_TileType:$rhs);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` qualified(type($lhs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_SelectOp : Tile_Op<"select", [Pure, AllTypesMatch<["a", "b", "result"]>,
    DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "elementwise choice (`where`)";
  let description = [{
    Element `i` is `a[i]` where `cond[i]` is true, else `b[i]`.

    ```mlir
    %r = tile.select %cond, %a, %b : !tile.tile<64xi1>, !tile.tile<64xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$cond, Tile_TileType:$a, Tile_TileType:$b);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$cond `,` $a `,` $b attr-dict `:` qualified(type($cond)) `,` qualified(type($result))";
  let hasVerifier = 1;
  let hasCanonicalizeMethod = 1;
}

def Tile_CastOp : Tile_Op<"cast",
    [Pure, DeclareOpInterfaceMethods<Tile_ElementwiseOpInterface>]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Float narrowing rounds to nearest even (f16 and bf16 convert to each
    other through f32, rounding once); float to integer truncates toward
    zero and saturates to the integer's range (NaN gives 0); integers are
    signed: they sign-extend, or truncate to the low bits, and convert to
    floats rounding to nearest even. `i1` converts as 0 or 1. The shape and
    layout are kept.

    ```mlir
    %h = tile.cast %f : !tile.tile<64x64xf32> -> !tile.tile<64x64xf16>
    ```
  }];
  let arguments = (ins Tile_TileType:$source);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source attr-dict `:` qualified(type($source)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tile_FusedOp : Tile_Op<"fused", [Pure, IsolatedFromAbove,
    SingleBlock]> {
  let summary = "several elementwise ops computed in one pass";
  let description = [{
    Made by `tile-fuse-elementwise` from a tree of elementwise ops, the
    broadcasts and splats feeding it: result element `(i, j)` is the body
    applied to one scalar per input. `broadcast` says, per input, which
    element that is:

    - `-1`: a tile of the result's shape gives its element `(i, j)`; a
      scalar input is itself;
    - `0`: a rank-1 tile of the result's column count gives element `j`
      (the tile repeated along axis 0, as `tile.broadcast ... along 0`);
    - `1`: a rank-1 tile of the result's row count gives element `i`.

    The body is scalar arith/math code without side effects, ended by
    `tile.yield`. It computes exactly what the fused ops computed, in their
    element types, so fusing changes no result bit; it only saves the
    buffers between the ops.

    ```mlir
    %e = tile.fused(%t, %m) broadcast [-1, 1]
        : (!tile.tile<1x1024xf32>, !tile.tile<1xf32>) -> !tile.tile<1x1024xf32> {
    ^bb0(%x: f32, %mx: f32):
      %d = arith.subf %x, %mx : f32
      %r = math.exp %d : f32
      tile.yield %r : f32
    }
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$inputs,
                       DenseI64ArrayAttr:$broadcast);
  let results = (outs Tile_TileType:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` `broadcast` $broadcast attr-dict `:`
    functional-type($inputs, $result) $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Builds the body at `b`'s insertion point on `args`, one per input:
    /// scalars, or vectors of them (each body op then works on vectors of
    /// its scalar type, constants splatted). Returns the yielded value.
    ::mlir::Value buildElement(::mlir::OpBuilder &b, ::mlir::Location loc,
                               ::mlir::ValueRange args);
  }];
}

def Tile_YieldOp : Tile_Op<"yield", [Pure, Terminator, HasParent<"FusedOp">]> {
  let summary = "the element a `tile.fused` body computes";
  let arguments = (ins AnyType:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

def Tile_ReduceOp : Tile_Op<"reduce", [Pure, Tile_Reduction]> {
  let summary = "reduce a tile along one axis";
  let description = [{
    A rank-2 tile reduces to a rank-1 tile (the other axis), a rank-1 tile
    to a scalar. Elements combine in order of position, from 0.

    - `sum`: f16 and bf16 accumulate in f32 and round once to the element
      type at the end; f32, f64 and integers accumulate in the element type
      (integers wrap).
    - `max`, `min`: floats give NaN if any element is NaN, and order -0.0
      below +0.0; integers are signed.
    - `argmax`: the `i32` position of the first maximum. Floats compare with
      an ordered `>`, so a NaN is chosen only if it is element 0.

    ```mlir
    %rows = tile.reduce sum %t along 1 : !tile.tile<64x128xf32> -> !tile.tile<64xf32>
    %best = tile.reduce argmax %v along 0 : !tile.tile<128xf32> -> i32
    ```
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_TileType:$source,
                       I64Attr:$axis);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $kind $source `along` $axis attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [Pure]> {
  let summary = "repeat a rank-1 tile along a new axis";
  let description = [{
    `axis` is the new dimension of the result: with `along 0`, every row of
    the `MxN` result is the `N`-element source; with `along 1`, every column
    is the `M`-element source.

    ```mlir
    %rows = tile.broadcast %v along 0 : !tile.tile<128xf32> -> !tile.tile<64x128xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$source, I64Attr:$axis);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = [{
    $source `along` $axis attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Tile_TransposeOp : Tile_Op<"transpose", [Pure]> {
  let summary = "swap the two axes of a rank-2 tile";
  let description = [{
    The result's layout is the opposite of the source's: a transpose moves no
    data in principle.

    ```mlir
    %t = tile.transpose %a : !tile.tile<64x128xf16> -> !tile.tile<128x64xf16, col_major>
    ```
  }];
  let arguments = (ins Tile_TileType:$source);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source attr-dict `:` qualified(type($source)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tile_ReshapeOp : Tile_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tile's elements in another shape";
  let description = [{
    Elements keep their row-major order; the element count is unchanged.

    ```mlir
    %flat = tile.reshape %t : !tile.tile<16x8xf32> -> !tile.tile<128xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$source);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source attr-dict `:` qualified(type($source)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tile_PairRowsOp : Tile_Op<"pair_rows", [Pure]> {
  let summary = "interleave a rank-2 tile's rows in groups (pairs by default)";
  let description = [{
    For a source of shape `KxN` and a group size `g` (2, the default, or
    4; K a multiple of g), the result is `(K/g)x(gN)`: row `p` holds rows
    `gp` .. `gp + g - 1` of the source interleaved, element `(p, gc + s)`
    being the source's `(gp + s, c)`. This is the layout in which
    instructions that multiply groups along K read the right operand of a
    `dot`: pairs for x86 `vdpbf16ps`, quads of bytes for `vpdpbusd`;
    `tile-pack-dot-operands` stores packed tiles so (`pack-rhs-pairs`,
    `pack-rhs-quads`), and `tile.unpair_rows` gives them back.

    With `block c` (N a multiple of c), the source's columns are taken c at
    a time, each block of c columns grouped as above into `(K/g)x(gc)`, and
    the blocks stored one below the other: the result is `((N/c)(K/g))x(gc)`,
    element `(b(K/g) + p, gc' + s)` being the source's `(gp + s, bc + c')`.
    With c = 16 and 32-bit groups each row is 64 bytes, and the rows of one
    block follow each other: the tile an AMX tile load reads is one run of
    memory (`pack-pair-blocks`).

    ```mlir
    %p = tile.pair_rows %b : !tile.tile<64x128xbf16> -> !tile.tile<32x256xbf16>
    %q = tile.pair_rows %w group 4 : !tile.tile<64x64xi8> -> !tile.tile<16x256xi8>
    %r = tile.pair_rows %b block 16 : !tile.tile<64x128xbf16> -> !tile.tile<256x32xbf16>
    ```
  }];
  let arguments = (ins Tile_TileType:$source,
                       DefaultValuedAttr<I64Attr, "2">:$group,
                       DefaultValuedAttr<I64Attr, "0">:$block);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source (`group` $group^)? (`block` $block^)? attr-dict `:` qualified(type($source)) `->` qualified(type($result))";
  let hasVerifier = 1;
}

def Tile_UnpairRowsOp : Tile_Op<"unpair_rows", [Pure]> {
  let summary = "the inverse of tile.pair_rows";
  let description = [{
    For a source of shape `(K/g)x(gN)` (`g` the group size, 2 by default,
    or 4), the result is `KxN`, element `(r, c)` being the source's
    `(r / g, gc + r % g)`. With `block c`, the source is
    `((N/c)(K/g))x(gc)` as `tile.pair_rows ... block c` makes it, and
    element `(r, j)` is the source's `((j / c)(K/g) + r / g, g(j % c) +
    r % g)`. The result may have either layout.

    ```mlir
    %b = tile.unpair_rows %p : !tile.tile<32x256xbf16> -> !tile.tile<64x128xbf16, col_major>
    %w = tile.unpair_rows %q group 4 : !tile.tile<16x256xi8> -> !tile.tile<64x64xi8, col_major>
    %c = tile.unpair_rows %r block 16 : !tile.tile<256x32xbf16> -> !tile.tile<64x128xbf16, col_major>
    ```
  }];
  let arguments = (ins Tile_TileType:$source,
                       DefaultValuedAttr<I64Attr, "2">:$group,
                       DefaultValuedAttr<I64Attr, "0">:$block);
  let results = (outs Tile_TileType:$result);
  let assemblyFormat = "$source (`group` $group^)? (`block` $block^)? attr-dict `:` qualified(type($source)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contraction
//===----------------------------------------------------------------------===//

def Tile_DotOp : Tile_Op<"dot", [Pure, Tile_Contraction]> {
  let summary = "matrix product of two tiles, with mixed precision";
  let description = [{
    `result = lhs x rhs (+ acc)` for `lhs : MxK`, `rhs : KxN`: element
    `(i, j)` starts from `acc[i, j]` (zero without `acc`) and adds
    `lhs[i, k] * rhs[k, j]` for `k` from 0 to K-1, in that order. Inputs are
    first converted to the accumulator type: f16, bf16 and f32 accumulate in
    f32, f64 in f64, i8 (sign-extended) in i32, which wraps. For floats each
    step is a fused multiply-add (`math.fma`: the product is not rounded
    before the sum), as vector FMA units compute it, so a backend that keeps
    the k order gives the same bits. Matrix units that add several products
    at once (`vdpbf16ps`, AMX, tensor cores) differ from this order by
    rounding and are checked against it with a tolerance.

    Indices are logical positions: a layout never changes values, so the
    operands may have any layout and the result is the same. The language
    gives `dot` only a `row_major` lhs and a `col_major` rhs (both K-major,
    the order matrix units read); a fast backend may support only that.

    ```mlir
    %c = tile.dot %a, %b, %acc : !tile.tile<128x64xf16>, !tile.tile<64x128xf16, col_major> -> !tile.tile<128x128xf32>
    ```
  }];
  let arguments = (ins Tile_TileType:$lhs, Tile_TileType:$rhs,
                       Optional<Tile_TileType>:$acc);
  let results = (outs Tile_TileType:$result);
  // The accumulator, when present, has the result type.
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

def Tile_ProgramIdOp : Tile_Op<"program_id", [Pure]> {
  let summary = "this kernel instance's position in the grid along an axis";
  let description = [{
    The launch lowering replaces it by an argument of the kernel instance;
    the reference lowering (`convert-tile-to-scf`) rejects it.

    ```mlir
    %i = tile.program_id 0
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

def Tile_NumProgramsOp : Tile_Op<"num_programs", [Pure]> {
  let summary = "the number of kernel instances of the grid along an axis";
  let description = [{
    The launch lowering replaces it by an argument of the kernel instance;
    the reference lowering (`convert-tile-to-scf`) rejects it.

    ```mlir
    %n = tile.num_programs 1
    ```
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntMinValue<0>, IntMaxValue<2>]>:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

def Tile_LaunchOp : Tile_Op<"launch", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "run a grid kernel once per point of a grid";
  let description = [{
    Host code's one way to run a kernel: `kernel` is a `func.func` marked
    `tile.kernel` that returns nothing; it runs once per point of the grid
    (one to three `index` sizes), with `args` as its arguments. Inside, the
    instance's position and the grid's sizes are `tile.program_id` and
    `tile.num_programs`. The instances may run in any order and in parallel;
    the launch returns when all have finished. Each target lowers it its own
    way (the CPU: a parallel loop over a thread pool; bare metal: a loop; a
    GPU: a device launch).

    ```mlir
    func.func private @scale(%x: memref<?xf32, strided<[?], offset: ?>>,
                             %k: f32) attributes {tile.kernel} {
      %i = tile.program_id 0
      ...
    }
    tile.launch @scale[%n](%x, %k) : memref<?xf32, strided<[?], offset: ?>>, f32
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$kernel, Variadic<Index>:$grid,
                       Variadic<AnyType>:$args);
  let assemblyFormat = [{
    $kernel `[` $grid `]` `(` $args `)` attr-dict (`:` type($args)^)?
  }];
  let hasVerifier = 1;
}

#endif // NLC_TILE_OPS

//===- TileOps.cpp - Tile dialect operations ------------------------------===//
//
// Verifiers, folders and canonicalizations. Verifiers state the shape and
// element-type rules of each op; Sema reports the same rules to users at the
// call site, so these only fire on hand-written or miscompiled IR.
//
//===----------------------------------------------------------------------===//

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace nlc::tile;

#define GET_OP_CLASSES
#include "dialects/tile/IR/TileOps.cpp.inc"

/// The constant behind `tile.splat %c` when %c is a constant, else null.
static Attribute splatConstant(Value v) {
  auto splat = v.getDefiningOp<SplatOp>();
  Attribute attr;
  if (!splat || !matchPattern(splat.getValue(), m_Constant(&attr)))
    return {};
  return attr;
}

//===----------------------------------------------------------------------===//
// Creation and memory
//===----------------------------------------------------------------------===//

LogicalResult SplatOp::verify() {
  if (getValue().getType() != getType().getElementType())
    return emitOpError("value type ")
           << getValue().getType() << " does not match the element type of "
           << getType();
  return success();
}

LogicalResult IotaOp::verify() {
  TileType t = getType();
  if (t.getRank() != 1 || !t.getElementType().isSignlessInteger())
    return emitOpError("result must be a rank-1 integer tile, found ") << t;
  return success();
}

/// Checks what load and store share: tile index count, ranks, dtypes.
static LogicalResult verifyAccess(Operation *op, TileType tile,
                                  MemRefType view, size_t numIndices) {
  // A view of rank 3 or 4 holds rank-2 tiles over its last two dimensions.
  bool sliced = view.getRank() > 2 && tile.getRank() == 2;
  if (tile.getRank() != view.getRank() && !sliced)
    return op->emitOpError("tile rank ")
           << tile.getRank() << " does not match view rank "
           << view.getRank();
  if (numIndices != static_cast<size_t>(view.getRank()))
    return op->emitOpError("expected ")
           << view.getRank() << " indices, found " << numIndices;
  if (tile.getElementType() != view.getElementType())
    return op->emitOpError("tile element type ")
           << tile.getElementType() << " does not match view element type "
           << view.getElementType();
  return success();
}

LogicalResult LoadOp::verify() {
  if (failed(verifyAccess(*this, getType(), getView().getType(),
                          getIndices().size())))
    return failure();
  if (getPadding() && getPadding().getType() != getType().getElementType())
    return emitOpError("padding type ")
           << getPadding().getType() << " does not match element type "
           << getType().getElementType();
  return success();
}

LogicalResult StoreOp::verify() {
  return verifyAccess(*this, getValue().getType(), getView().getType(),
                      getIndices().size());
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult verifyFloatTile(Operation *op, TileType t) {
  if (!isa<FloatType>(t.getElementType()))
    return op->emitOpError("needs a float tile, found ") << t;
  return success();
}

LogicalResult ExpOp::verify() { return verifyFloatTile(*this, getType()); }
LogicalResult LogOp::verify() { return verifyFloatTile(*this, getType()); }
LogicalResult SqrtOp::verify() { return verifyFloatTile(*this, getType()); }
LogicalResult RsqrtOp::verify() { return verifyFloatTile(*this, getType()); }
LogicalResult TanhOp::verify() { return verifyFloatTile(*this, getType()); }
LogicalResult ErfOp::verify() { return verifyFloatTile(*this, getType()); }
// The math functions without a vector form of their own (Kernels.md).
#define NLC_FLOAT_TILE_VERIFIER(OP)                                            \
  LogicalResult OP::verify() { return verifyFloatTile(*this, getType()); }
NLC_FLOAT_TILE_VERIFIER(SinOp)
NLC_FLOAT_TILE_VERIFIER(CosOp)
NLC_FLOAT_TILE_VERIFIER(Exp2Op)
NLC_FLOAT_TILE_VERIFIER(Log2Op)
NLC_FLOAT_TILE_VERIFIER(FloorOp)
NLC_FLOAT_TILE_VERIFIER(CeilOp)
NLC_FLOAT_TILE_VERIFIER(RoundOp)
NLC_FLOAT_TILE_VERIFIER(TruncOp)
NLC_FLOAT_TILE_VERIFIER(PowOp)
#undef NLC_FLOAT_TILE_VERIFIER

/// `x + 0` is `x` for integer tiles (not for floats: -0.0 + 0.0 is 0.0).
OpFoldResult AddOp::fold(FoldAdaptor) {
  for (auto [mine, other] : {std::pair(getLhs(), getRhs()),
                             std::pair(getRhs(), getLhs())}) {
    auto c = dyn_cast_or_null<IntegerAttr>(splatConstant(mine));
    if (c && c.getValue().isZero())
      return other;
  }
  return {};
}

/// `x * 1` is `x` for integer and float tiles.
OpFoldResult MulOp::fold(FoldAdaptor) {
  for (auto [mine, other] : {std::pair(getLhs(), getRhs()),
                             std::pair(getRhs(), getLhs())}) {
    Attribute c = splatConstant(mine);
    if (auto i = dyn_cast_or_null<IntegerAttr>(c); i && i.getValue().isOne())
      return other;
    if (auto f = dyn_cast_or_null<FloatAttr>(c); f && f.getValue().isExactlyValue(1.0))
      return other;
  }
  return {};
}

/// The same shape and layout, with `i1` elements.
static TileType maskTypeFor(TileType t) {
  return t.withElementType(IntegerType::get(t.getContext(), 1));
}

LogicalResult CmpOp::verify() {
  if (getLhs().getType() != getRhs().getType())
    return emitOpError("operand types differ: ")
           << getLhs().getType() << " and " << getRhs().getType();
  if (getType() != maskTypeFor(getLhs().getType()))
    return emitOpError("result must be ")
           << maskTypeFor(getLhs().getType()) << ", found " << getType();
  return success();
}

LogicalResult SelectOp::verify() {
  if (getA().getType() != getB().getType() || getA().getType() != getType())
    return emitOpError("both choices and the result must have one type, found ")
           << getA().getType() << ", " << getB().getType() << " and "
           << getType();
  if (getCond().getType() != maskTypeFor(getType()))
    return emitOpError("condition must be ")
           << maskTypeFor(getType()) << ", found " << getCond().getType();
  return success();
}

LogicalResult SelectOp::canonicalize(SelectOp op, PatternRewriter &rewriter) {
  if (op.getA() == op.getB()) {
    rewriter.replaceOp(op, op.getA());
    return success();
  }
  auto c = dyn_cast_or_null<IntegerAttr>(splatConstant(op.getCond()));
  if (!c)
    return failure();
  rewriter.replaceOp(op, c.getValue().isOne() ? op.getA() : op.getB());
  return success();
}

LogicalResult CastOp::verify() {
  TileType from = getSource().getType(), to = getType();
  if (from.getShape() != to.getShape() || from.getLayout() != to.getLayout())
    return emitOpError("cannot change the shape or layout: ")
           << from << " to " << to;
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getSource().getType() == getType())
    return getSource();
  return {};
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  TileType src = getSource().getType();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= src.getRank())
    return emitOpError("axis ") << axis << " is out of range for " << src;
  Type elem = getKind() == ReduceKind::argmax
                  ? Type(IntegerType::get(getContext(), 32))
                  : src.getElementType();
  if (getKind() == ReduceKind::argmax && !isa<FloatType>(src.getElementType()) &&
      !src.getElementType().isSignlessInteger())
    return emitOpError("argmax needs a numeric tile");
  Type expected = elem;
  if (src.getRank() == 2)
    expected = TileType::get(getContext(), {src.getShape()[1 - axis]}, elem,
                             Layout::RowMajor);
  // The result's encoding, if any, is the backend's choice.
  Type actual = getType();
  if (auto t = dyn_cast<TileType>(actual))
    actual = t.withoutEncoding();
  if (actual != expected)
    return emitOpError("result must be ") << expected << ", found " << getType();
  return success();
}

LogicalResult BroadcastOp::verify() {
  TileType src = getSource().getType(), dst = getType();
  int64_t axis = getAxis();
  if (src.getRank() != 1 || dst.getRank() != 2)
    return emitOpError("broadcasts a rank-1 tile to a rank-2 tile, found ")
           << src << " to " << dst;
  if (axis != 0 && axis != 1)
    return emitOpError("axis must be 0 or 1, found ") << axis;
  if (src.getElementType() != dst.getElementType())
    return emitOpError("element types differ: ") << src << " and " << dst;
  if (dst.getShape()[1 - axis] != src.getShape()[0])
    return emitOpError("source length ")
           << src.getShape()[0] << " does not match result dimension "
           << (1 - axis) << " of " << dst;
  return success();
}

//===----------------------------------------------------------------------===//
// FusedOp
//===----------------------------------------------------------------------===//

LogicalResult FusedOp::verify() {
  TileType result = getType();
  ArrayRef<int64_t> shape = result.getShape();
  ArrayRef<int64_t> axes = getBroadcast();
  if (axes.size() != getInputs().size())
    return emitOpError("needs one broadcast entry per input, found ")
           << axes.size() << " for " << getInputs().size();
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body takes ")
           << body.getNumArguments() << " arguments for "
           << getInputs().size() << " inputs";
  for (auto [i, input, axis] : llvm::enumerate(getInputs(), axes)) {
    Type elem = input.getType();
    if (auto tile = dyn_cast<TileType>(elem)) {
      elem = tile.getElementType();
      bool fits = axis == -1 ? tile.getShape() == shape
                             : (axis == 0 || axis == 1) && shape.size() == 2 &&
                                   tile.getRank() == 1 &&
                                   tile.getShape()[0] == shape[1 - axis];
      if (!fits)
        return emitOpError("input ")
               << i << " of type " << tile << " does not fit result "
               << result << " with broadcast " << axis;
    } else if (axis != -1) {
      return emitOpError("scalar input ") << i << " cannot be broadcast";
    }
    if (body.getArgument(i).getType() != elem)
      return emitOpError("body argument ")
             << i << " must be " << elem << ", found "
             << body.getArgument(i).getType();
  }
  for (Operation &op : body.without_terminator())
    if (op.getNumRegions() || !isMemoryEffectFree(&op))
      return op.emitOpError("cannot be in a tile.fused body: it has ")
             << (op.getNumRegions() ? "regions" : "side effects");
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValue().getType() != result.getElementType())
    return emitOpError("body yields ")
           << yield.getValue().getType() << ", result elements are "
           << result.getElementType();
  return success();
}

Value FusedOp::buildElement(OpBuilder &b, Location loc, ValueRange args) {
  Block &body = getBody().front();
  IRMapping map;
  map.map(body.getArguments(), args);
  std::optional<int64_t> lanes;
  for (Value a : args)
    if (auto v = dyn_cast<VectorType>(a.getType()))
      lanes = v.getNumElements();
  auto widen = [&](Type t) -> Type {
    return lanes ? VectorType::get({*lanes}, t) : t;
  };
  for (Operation &op : body.without_terminator()) {
    if (!lanes) {
      b.clone(op, map);
      continue;
    }
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto type = cast<ShapedType>(widen(c.getType()));
      map.map(c.getResult(), arith::ConstantOp::create(
                                 b, loc, DenseElementsAttr::get(type, c.getValue())));
      continue;
    }
    // Every body op is elementwise-mappable arith/math: the same op on
    // vectors of its operand types.
    OperationState state(loc, op.getName());
    for (Value v : op.getOperands())
      state.operands.push_back(map.lookup(v));
    for (Type t : op.getResultTypes())
      state.types.push_back(widen(t));
    state.attributes = op.getAttrs();
    Operation *vec = b.create(state);
    map.map(op.getResults(), vec->getResults());
  }
  return map.lookup(cast<YieldOp>(body.getTerminator()).getValue());
}

LogicalResult TransposeOp::verify() {
  TileType src = getSource().getType(), dst = getType();
  if (src.getRank() != 2)
    return emitOpError("needs a rank-2 tile, found ") << src;
  Layout flipped =
      src.getLayout() == Layout::RowMajor ? Layout::ColMajor : Layout::RowMajor;
  SmallVector<int64_t, 2> shape = {src.getShape()[1], src.getShape()[0]};
  TileType expected =
      TileType::get(getContext(), shape, src.getElementType(), flipped);
  if (dst.withoutEncoding() != expected)
    return emitOpError("result must be ") << expected << ", found " << dst;
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  if (auto inner = getSource().getDefiningOp<TransposeOp>())
    return inner.getSource();
  return {};
}

/// Whether `paired` is `whole` with its rows interleaved in groups of
/// `group` (tile.pair_rows): (K/g)x(gN) for KxN, K a multiple of g (2 or
/// 4), or with blocks of c columns ((N/c)(K/g))x(gc), N a multiple of c;
/// the same element type, any layouts.
static LogicalResult verifyPairedRows(Operation *op, TileType whole,
                                      TileType paired, int64_t group,
                                      int64_t block) {
  if (group != 2 && group != 4)
    return op->emitOpError("groups rows by 2 or 4, found ") << group;
  if (block < 0)
    return op->emitOpError("needs a positive block, found ") << block;
  if (whole.getRank() != 2 || paired.getRank() != 2)
    return op->emitOpError("needs rank-2 tiles, found ")
           << whole << " and " << paired;
  ArrayRef<int64_t> w = whole.getShape(), p = paired.getShape();
  if (w[0] % group != 0)
    return op->emitOpError("needs a number of rows that is a multiple of ")
           << group << ", found " << whole;
  if (block && w[1] % block != 0)
    return op->emitOpError("needs a number of columns that is a multiple of "
                           "the block ")
           << block << ", found " << whole;
  int64_t columns = block ? block : w[1];
  int64_t rows = w[0] / group * (w[1] / columns);
  if (p[0] != rows || p[1] != columns * group)
    return op->emitOpError("groups the rows of ")
           << whole << " into " << rows << "x" << columns * group << ", found "
           << paired;
  if (whole.getElementType() != paired.getElementType())
    return op->emitOpError("element types differ: ")
           << whole << " and " << paired;
  return success();
}

LogicalResult PairRowsOp::verify() {
  return verifyPairedRows(*this, getSource().getType(), getType(), getGroup(),
                          getBlock());
}

LogicalResult UnpairRowsOp::verify() {
  return verifyPairedRows(*this, getType(), getSource().getType(), getGroup(),
                          getBlock());
}

OpFoldResult UnpairRowsOp::fold(FoldAdaptor) {
  // unpair_rows(pair_rows(x)) is x, when the layouts and groups agree.
  if (auto inner = getSource().getDefiningOp<PairRowsOp>())
    if (inner.getSource().getType() == getType() &&
        inner.getGroup() == getGroup() && inner.getBlock() == getBlock())
      return inner.getSource();
  return {};
}

LogicalResult ReshapeOp::verify() {
  TileType src = getSource().getType(), dst = getType();
  if (src.getNumElements() != dst.getNumElements())
    return emitOpError("element count changes: ")
           << src << " has " << src.getNumElements() << ", " << dst << " has "
           << dst.getNumElements();
  if (src.getElementType() != dst.getElementType())
    return emitOpError("element types differ: ") << src << " and " << dst;
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getSource().getType() == getType())
    return getSource();
  // reshape(reshape(x)) is one reshape of x.
  if (auto inner = getSource().getDefiningOp<ReshapeOp>()) {
    getSourceMutable().assign(inner.getSource());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Contraction
//===----------------------------------------------------------------------===//

/// The accumulator element type `dot` produces for `input` elements, or
/// null if `dot` does not take such inputs.
static Type dotAccumulatorType(Type input) {
  MLIRContext *ctx = input.getContext();
  if (input.isF16() || input.isBF16() || input.isF32())
    return Float32Type::get(ctx);
  if (input.isF64())
    return Float64Type::get(ctx);
  if (input.isSignlessInteger(8))
    return IntegerType::get(ctx, 32);
  return {};
}

ParseResult DotOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand lhs, rhs, acc;
  Type lhsType, rhsType, resultType;
  if (parser.parseOperand(lhs) || parser.parseComma() ||
      parser.parseOperand(rhs))
    return failure();
  bool hasAcc = succeeded(parser.parseOptionalComma());
  if ((hasAcc && parser.parseOperand(acc)) ||
      parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.parseType(lhsType) || parser.parseComma() ||
      parser.parseType(rhsType) || parser.parseArrow() ||
      parser.parseType(resultType) ||
      parser.resolveOperand(lhs, lhsType, result.operands) ||
      parser.resolveOperand(rhs, rhsType, result.operands) ||
      (hasAcc && parser.resolveOperand(acc, resultType, result.operands)))
    return failure();
  result.addTypes(resultType);
  return success();
}

void DotOp::print(OpAsmPrinter &p) {
  p << " " << getLhs() << ", " << getRhs();
  if (getAcc())
    p << ", " << getAcc();
  p.printOptionalAttrDict((*this)->getAttrs());
  p << " : " << getLhs().getType() << ", " << getRhs().getType() << " -> "
    << getType();
}

LogicalResult DotOp::verify() {
  TileType a = getLhs().getType(), b = getRhs().getType(), r = getType();
  if (a.getRank() != 2 || b.getRank() != 2 || r.getRank() != 2)
    return emitOpError("needs rank-2 tiles");
  if (a.getShape()[1] != b.getShape()[0])
    return emitOpError("inner dimensions differ: ")
           << a << " has " << a.getShape()[1] << " columns, " << b << " has "
           << b.getShape()[0] << " rows";
  if (a.getElementType() != b.getElementType())
    return emitOpError("operand element types differ: ")
           << a.getElementType() << " and " << b.getElementType();
  Type acc = dotAccumulatorType(a.getElementType());
  if (!acc)
    return emitOpError("unsupported operand element type ")
           << a.getElementType();
  if (r.getShape()[0] != a.getShape()[0] || r.getShape()[1] != b.getShape()[1])
    return emitOpError("result shape must be ")
           << a.getShape()[0] << "x" << b.getShape()[1] << ", found " << r;
  if (r.getElementType() != acc)
    return emitOpError("result element type must be ")
           << acc << ", found " << r.getElementType();
  if (getAcc() && getAcc().getType() != r)
    return emitOpError("accumulator type ")
           << getAcc().getType() << " does not match result type " << r;
  return success();
}

//===----------------------------------------------------------------------===//
// LaunchOp
//===----------------------------------------------------------------------===//

LogicalResult LaunchOp::verify() {
  if (getGrid().empty() || getGrid().size() > 3)
    return emitOpError("expects 1 to 3 grid sizes, got ") << getGrid().size();
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto fn = symbols.lookupNearestSymbolFrom<FunctionOpInterface>(
      *this, getKernelAttr());
  if (!fn)
    return emitOpError("kernel `") << getKernel() << "` is not a function";
  if (!fn->hasAttr(kKernelAttrName))
    return emitOpError("`") << getKernel() << "` is not marked `"
                            << kKernelAttrName << "`";
  auto type = dyn_cast<FunctionType>(fn.getFunctionType());
  if (!type || type.getNumResults() != 0)
    return emitOpError("kernel `") << getKernel() << "` must return nothing";
  if (TypeRange(type.getInputs()) != getArgs().getTypes())
    return emitOpError("argument types do not match kernel `")
           << getKernel() << "`: " << type;
  return success();
}

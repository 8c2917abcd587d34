//===- X86VectorCode.cpp - Building blocks of the x86 vector patterns -----===//
//
// See X86VectorCode.h.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"

#include "dialects/tile/IR/TileDialect.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

Value nlc::x86::index(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

SmallVector<Value, 2> nlc::x86::GroupedRows::at(OpBuilder &b, Location loc,
                                                Value p, Value j) const {
  if (!blockRows)
    return {p, b.createOrFold<arith::MulIOp>(loc, j, index(b, loc, group))};
  Value block = b.createOrFold<arith::DivUIOp>(loc, j, index(b, loc, lanes));
  return {
      b.createOrFold<arith::AddIOp>(
          loc,
          b.createOrFold<arith::MulIOp>(loc, block, index(b, loc, blockRows)),
          p),
      index(b, loc, 0)};
}

Value nlc::x86::plus(OpBuilder &b, Location loc, Value base, int64_t offset) {
  if (!offset)
    return base;
  return arith::AddIOp::create(b, loc, base, index(b, loc, offset));
}

int64_t nlc::x86::lanesFor(const VectorTarget &target, ArrayRef<Type> types) {
  int64_t widest = 0;
  for (Type t : types) {
    if (!t.isIntOrFloat())
      return 0;
    unsigned w = t.getIntOrFloatBitWidth();
    if (w != 8 && w != 16 && w != 32 && w != 64)
      return 0;
    widest = std::max<int64_t>(widest, w);
  }
  if (!widest)
    return 0;
  return target.f32Lanes * 32 / widest;
}

Value nlc::x86::prefixMask(OpBuilder &b, Location loc, int64_t lanes,
                           int64_t count) {
  return vector::ConstantMaskOp::create(
      b, loc, VectorType::get({lanes}, b.getI1Type()),
      ArrayRef<int64_t>{count});
}

Value nlc::x86::splatConstant(OpBuilder &b, Location loc, VectorType type,
                              TypedAttr v) {
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, Attribute(v)));
}

Value nlc::x86::multiplyAddPairs(OpBuilder &b, Location loc, Value x,
                                Value y) {
  int64_t lanes = cast<VectorType>(x.getType()).getNumElements() / 2;
  StringRef name = lanes == 16 ? "llvm.x86.avx512.pmaddw.d.512"
                               : "llvm.x86.avx2.pmadd.wd";
  auto type = VectorType::get({lanes}, b.getI32Type());
  return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(name),
                                       ValueRange{x, y})
      .getResult(0);
}

Value nlc::x86::multiplyAddQuads(OpBuilder &b, Location loc, Value acc, Value u,
                                 Value s) {
  int64_t lanes = cast<VectorType>(acc.getType()).getNumElements();
  StringRef name = lanes == 16  ? "llvm.x86.avx512.vpdpbusd.512"
                   : lanes == 8 ? "llvm.x86.avx512.vpdpbusd.256"
                                : "llvm.x86.avx512.vpdpbusd.128";
  return LLVM::CallIntrinsicOp::create(b, loc, acc.getType(),
                                       b.getStringAttr(name),
                                       ValueRange{acc, u, s})
      .getResult(0);
}

Value nlc::x86::loadVector(OpBuilder &b, Location loc, VectorType type,
                           Value mem, ValueRange indices, Value mask,
                           Value passThru) {
  if (!mask)
    return vector::LoadOp::create(b, loc, type, mem, indices);
  if (!passThru)
    passThru = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
  return vector::MaskedLoadOp::create(b, loc, type, mem, indices, mask,
                                      passThru);
}

void nlc::x86::storeVector(OpBuilder &b, Location loc, Value v, Value mem,
                           ValueRange indices, Value mask) {
  if (!mask)
    vector::StoreOp::create(b, loc, v, mem, indices);
  else
    vector::MaskedStoreOp::create(b, loc, mem, indices, mask, v);
}

void nlc::x86::forEachVector(
    OpBuilder &b, Location loc, int64_t n, int64_t lanes,
    function_ref<void(OpBuilder &, Location, Value, Value)> body) {
  foldVectors(
      b, loc, n, lanes, ValueRange{},
      [&](OpBuilder &vb, Location vl, Value pos, Value mask, ValueRange) {
        body(vb, vl, pos, mask);
        return SmallVector<Value>();
      });
}

SmallVector<Value>
nlc::x86::foldVectors(OpBuilder &b, Location loc, int64_t n, int64_t lanes,
                      ValueRange init,
                      function_ref<SmallVector<Value>(OpBuilder &, Location,
                                                      Value, Value, ValueRange)>
                          body) {
  int64_t whole = n - n % lanes;
  SmallVector<Value> v(init);
  // One whole vector needs no loop; canonicalization would fold it anyway.
  if (whole == lanes)
    v = body(b, loc, index(b, loc, 0), Value(), v);
  else if (whole > 0)
    v = scf::ForOp::create(
            b, loc, index(b, loc, 0), index(b, loc, whole),
            index(b, loc, lanes), v,
            [&](OpBuilder &lb, Location ll, Value pos, ValueRange carried) {
              scf::YieldOp::create(lb, ll, body(lb, ll, pos, Value(), carried));
            })
            .getResults();
  if (n % lanes)
    v = body(b, loc, index(b, loc, whole), prefixMask(b, loc, lanes, n % lanes),
             v);
  return v;
}

Value nlc::x86::flatten(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 1)
    return buffer;
  SmallVector<ReassociationIndices> all{ReassociationIndices{0, 1}};
  return memref::CollapseShapeOp::create(b, loc, buffer, all);
}

Operation *nlc::x86::takenProducer(Operation *consumer, Value value) {
  Operation *def = value.getDefiningOp();
  auto fused = dyn_cast_if_present<tile::FusedOp>(def);
  bool elementwise = isa_and_present<tile::ElementwiseOpInterface>(def) &&
                     !isa<tile::SplatOp>(def);
  if (!(fused || elementwise) || !def->hasOneUse() ||
      def->getBlock() != consumer->getBlock())
    return nullptr;
  auto type = cast<tile::TileType>(value.getType());
  Type elem = type.getElementType();
  if (!(elem.isF32() || elem.isInteger(32)))
    return nullptr;
  // One vector of `lanes` elements per value: every value the producer
  // computes (but comparison results) of the element type; its inputs
  // too, or narrower (f16, bf16, i8, i16: `lanes` of them fill at most a
  // register, and a cast in the producer widens them, e.g. the `w as f32`
  // of `sum((w as f32) * x, 1)` on 16-bit weights).
  auto other = [&](Type t) {
    if (auto tile = dyn_cast<tile::TileType>(t))
      t = tile.getElementType();
    return t != elem && !t.isInteger(1);
  };
  auto input = [&](Type t) {
    if (auto tile = dyn_cast<tile::TileType>(t))
      t = tile.getElementType();
    return t == elem || isa<Float16Type, BFloat16Type>(t) ||
           t.isInteger(8) || t.isInteger(16);
  };
  if (elementwise) {
    // A plain op takes tiles of its result's shape or scalars.
    bool ok = llvm::all_of(def->getOperandTypes(), [&](Type t) {
      auto tile = dyn_cast<tile::TileType>(t);
      return input(t) && (!tile || tile.getShape() == type.getShape());
    });
    return ok ? def : nullptr;
  }
  if (type.getRank() == 1 &&
      llvm::any_of(fused.getBroadcast(), [](int64_t a) { return a != -1; }))
    return nullptr;
  Block &body = fused.getBody().front();
  if (!llvm::all_of(body.getArgumentTypes(), input))
    return nullptr;
  for (Operation &inner : body.without_terminator())
    if (llvm::any_of(inner.getResultTypes(), other))
      return nullptr;
  return def;
}

Value nlc::x86::producerVector(OpBuilder &b, Location loc, Operation *producer,
                               ValueRange inputs, Value row, Value col,
                               Value mask, VectorType type) {
  auto fused = dyn_cast<tile::FusedOp>(producer);
  // The vector of an input's own element type (narrower inputs: see
  // takenProducer).
  auto lanesOf = [&](Type scalar) {
    return VectorType::get(type.getShape(), scalar);
  };
  SmallVector<Value, 4> args;
  for (auto [i, in] : llvm::enumerate(inputs)) {
    int64_t axis = fused ? fused.getBroadcast()[i] : -1;
    auto mem = dyn_cast<MemRefType>(in.getType());
    if (!mem) {
      args.push_back(
          vector::BroadcastOp::create(b, loc, lanesOf(in.getType()), in));
    } else if (axis == 1) {
      args.push_back(vector::BroadcastOp::create(
          b, loc, lanesOf(mem.getElementType()),
          memref::LoadOp::create(b, loc, in, ValueRange{row})));
    } else {
      SmallVector<Value, 2> at{col};
      if (axis == -1 && row)
        at.insert(at.begin(), row);
      args.push_back(
          loadVector(b, loc, lanesOf(mem.getElementType()), in, at, mask));
    }
  }
  if (fused)
    return fused.buildElement(b, loc, args);
  return cast<tile::ElementwiseOpInterface>(producer).buildScalar(b, loc, args);
}

Value nlc::x86::availableBefore(Value v, Operation *anchor, OpBuilder &b,
                                DominanceInfo &dominance, int depth) {
  if (dominance.properlyDominates(v, anchor))
    return v;
  Operation *def = v.getDefiningOp();
  if (!def || depth == 0 || def->getNumResults() != 1 || def->getNumRegions() ||
      !isMemoryEffectFree(def))
    return {};
  IRMapping map;
  for (Value operand : def->getOperands()) {
    Value there = availableBefore(operand, anchor, b, dominance, depth - 1);
    if (!there)
      return {};
    map.map(operand, there);
  }
  return b.clone(*def, map)->getResult(0);
}

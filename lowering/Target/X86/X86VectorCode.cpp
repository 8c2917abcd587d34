//===- X86VectorCode.cpp - Building blocks of the x86 vector patterns -----===//
//
// See X86VectorCode.h.
//
//===----------------------------------------------------------------------===//

#include "lowering/Target/X86/X86VectorCode.h"

using namespace mlir;

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
  int64_t whole = n - n % lanes;
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // One whole vector needs no loop; canonicalization would fold it anyway.
  if (whole == lanes)
    body(b, loc, idx(0), Value());
  else if (whole > 0)
    scf::ForOp::create(b, loc, idx(0), idx(whole), idx(lanes), ValueRange{},
                       [&](OpBuilder &lb, Location ll, Value pos, ValueRange) {
                         body(lb, ll, pos, Value());
                         scf::YieldOp::create(lb, ll);
                       });
  if (n % lanes)
    body(b, loc, idx(whole), prefixMask(b, loc, lanes, n % lanes));
}

Value nlc::x86::flatten(OpBuilder &b, Location loc, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 1)
    return buffer;
  SmallVector<ReassociationIndices> all{ReassociationIndices{0, 1}};
  return memref::CollapseShapeOp::create(b, loc, buffer, all);
}

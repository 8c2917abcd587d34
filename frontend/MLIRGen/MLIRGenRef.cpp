//===- MLIRGenRef.cpp - Reference parameters and array results ------------===//
//
// A reference parameter `&T` / `&mut T` is passed as the memory of each of
// T's leaves, so the callee reads and writes the caller's storage: a memref
// with a fully dynamic strided layout per scalar or array leaf (rank 0 for
// a scalar; a sub-array `a[i]` is a memref.subview of `a`; a `str`
// pointer is stored as an i64). A value that has no storage (a `let`
// scalar, a temporary) is spilled to a fresh slot first.
//
// A function whose result contains arrays returns its scalar leaves as
// results and writes each array leaf into an out-parameter (a memref the
// caller allocates), appended after the parameters.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace nlc {

mlir::Type MLIRGenImpl::refLeafType(llvm::ArrayRef<int64_t> shape,
                                    mlir::Type elem) {
  llvm::SmallVector<int64_t> strides(shape.size(), mlir::ShapedType::kDynamic);
  auto layout = mlir::StridedLayoutAttr::get(&ctx, mlir::ShapedType::kDynamic,
                                             strides);
  return mlir::MemRefType::get(shape, memType(shape, elem).getElementType(),
                               layout);
}

bool MLIRGenImpl::passedAsValue(const VarDecl &p) {
  // A tensor is a memref already: `&Tensor` passes it as it is.
  return p.ref == RefKind::None || p.type->isTensor();
}

void MLIRGenImpl::paramAbiTypes(const VarDecl &p,
                                llvm::SmallVectorImpl<mlir::Type> &out) {
  if (passedAsValue(p)) {
    for (mlir::Type t : abiTypes(p.type))
      out.push_back(t);
    return;
  }
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(p.type, elems, shapes);
  for (size_t i = 0; i < elems.size(); ++i)
    out.push_back(refLeafType(shapes[i], elems[i]));
}

mlir::Value MLIRGenImpl::refLeaf(const Leaf &leaf, mlir::Location l) {
  mlir::Type target = refLeafType(leaf.shape, leaf.elementType);
  if (!leaf.isRef) {
    // No storage: spill the value to a fresh slot.
    Leaf slot;
    slot.isRef = true;
    slot.elementType = leaf.elementType;
    {
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(&currentFunc.getBody().front());
      slot.value = mlir::memref::AllocaOp::create(
          builder, l, memType({}, leaf.elementType));
    }
    store(Leaves{slot}, Leaves{leaf}, l);
    return refLeaf(slot, l);
  }
  mlir::Value mem = leaf.value;
  if (!leaf.indices.empty()) {
    // `a[i]`, `a[i][j]`: the sub-array or element as a view of `a`.
    llvm::SmallVector<mlir::OpFoldResult> offsets, sizes, strides;
    for (mlir::Value i : leaf.indices) {
      offsets.push_back(i);
      sizes.push_back(builder.getIndexAttr(1));
      strides.push_back(builder.getIndexAttr(1));
    }
    for (int64_t d : leaf.shape) {
      offsets.push_back(builder.getIndexAttr(0));
      sizes.push_back(builder.getIndexAttr(d));
      strides.push_back(builder.getIndexAttr(1));
    }
    auto type = mlir::memref::SubViewOp::inferRankReducedResultType(
        leaf.shape, mlir::cast<mlir::MemRefType>(mem.getType()), offsets,
        sizes, strides);
    mem = mlir::memref::SubViewOp::create(builder, l, type, mem, offsets,
                                          sizes, strides);
  }
  if (mem.getType() != target)
    mem = mlir::memref::CastOp::create(builder, l, target, mem);
  return mem;
}

void MLIRGenImpl::genRefArg(Expr &arg, llvm::SmallVectorImpl<mlir::Value> &out) {
  // `&x` and `&mut x` pass x's storage; a reference parameter passed on
  // is already a reference.
  Expr *place = &arg;
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&arg);
      u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut))
    place = u->operand.get();
  mlir::Location l = loc(arg.range);
  for (const Leaf &leaf : genExpr(*place))
    out.push_back(refLeaf(leaf, l));
}

void MLIRGenImpl::resultAbiTypes(const Type *t,
                                 llvm::SmallVectorImpl<mlir::Type> &args,
                                 llvm::SmallVectorImpl<mlir::Type> &results) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(t, elems, shapes);
  for (size_t i = 0; i < elems.size(); ++i) {
    if (shapes[i].empty())
      results.push_back(elems[i]);
    else
      args.push_back(memType(shapes[i], elems[i]));
  }
}

Leaves MLIRGenImpl::allocateResultArrays(const Type *result, mlir::Location l,
                                         llvm::SmallVectorImpl<mlir::Value> &operands) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(result, elems, shapes);
  Leaves out;
  for (size_t i = 0; i < elems.size(); ++i) {
    Leaf leaf;
    leaf.elementType = elems[i];
    leaf.shape = shapes[i];
    if (!shapes[i].empty()) {
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointToStart(&currentFunc.getBody().front());
      leaf.value =
          mlir::memref::AllocaOp::create(builder, l, memType(shapes[i], elems[i]));
      leaf.isRef = true;
      operands.push_back(leaf.value);
    }
    out.push_back(leaf);
  }
  return out;
}

} // namespace nlc

//===- MLIRGenCollections.cpp - `Vec<T>` and `hash` -----------------------===//
//
// A `Vec<T>` is flattened into one data pointer per leaf of T (llvm.ptr;
// an i64 in memory, like a `str` pointer), then its length and capacity
// (i64): all scalar leaves, so a Vec can sit wherever a scalar can. Leaf k
// of element i lives at `ptr_k + i * size_k`. An element is seen through a
// memref made from the pointer (memref<?x...>), so it is a place like an
// array element: the generic load, store, field and reference code applies.
// Growth calls nl_vec_grow, moves inside a Vec nl_vec_move, drops
// nl_vec_free (runtime/core/
// vec.c); `hash` calls nl_hash_bytes (runtime/core/hash.c).
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace nlc {

using mlir::arith::CmpIPredicate;

namespace {
/// The loaded parts of a Vec value.
struct VecParts {
  llvm::SmallVector<mlir::Value, 4> ptrs;
  mlir::Value len, cap;
};
} // namespace

/// Size in bytes of one element's part in leaf `elem` of `shape`.
static int64_t leafBytes(mlir::Type elem, llvm::ArrayRef<int64_t> shape) {
  int64_t n = mlir::isa<mlir::LLVM::LLVMPointerType>(elem)
                  ? 8
                  : std::max<int64_t>(1, elem.getIntOrFloatBitWidth() / 8);
  for (int64_t d : shape)
    n *= d;
  return n;
}

static VecParts vecParts(const Leaves &loaded) {
  VecParts p;
  for (size_t i = 0; i + 2 < loaded.size(); ++i)
    p.ptrs.push_back(loaded[i].value);
  p.len = loaded[loaded.size() - 2].value;
  p.cap = loaded.back().value;
  return p;
}

static Leaves partsLeaves(const VecParts &p) {
  Leaves out;
  auto add = [&](mlir::Value v) {
    Leaf leaf;
    leaf.value = v;
    leaf.elementType = v.getType();
    out.push_back(leaf);
  };
  for (mlir::Value v : p.ptrs)
    add(v);
  add(p.len);
  add(p.cap);
  return out;
}

llvm::SmallVector<int64_t> MLIRGenImpl::vecLeafBytes(const Type *vecTy) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(vecTy->getElementType(), elems, shapes);
  llvm::SmallVector<int64_t> sizes;
  for (size_t k = 0; k < elems.size(); ++k)
    sizes.push_back(leafBytes(elems[k], shapes[k]));
  return sizes;
}

Leaves MLIRGenImpl::vecElement(const Type *vecTy, const Leaves &vec,
                               mlir::Value index, mlir::Location l) {
  VecParts p = vecParts(load(vec, l));
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(vecTy->getElementType(), elems, shapes);
  mlir::Type i64 = builder.getI64Type();
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  Leaves out;
  for (size_t k = 0; k < elems.size(); ++k) {
    // The descriptor of memref<len x shape...>: pointers, offset 0, sizes,
    // row-major strides.
    unsigned rank = 1 + shapes[k].size();
    auto array = mlir::LLVM::LLVMArrayType::get(i64, rank);
    auto descType = mlir::LLVM::LLVMStructType::getLiteral(
        &ctx, {ptrTy, ptrTy, i64, array, array});
    mlir::Value desc = mlir::LLVM::UndefOp::create(builder, l, descType);
    auto insert = [&](mlir::Value v, llvm::ArrayRef<int64_t> pos) {
      desc = mlir::LLVM::InsertValueOp::create(builder, l, desc, v, pos);
    };
    insert(p.ptrs[k], {0});
    insert(p.ptrs[k], {1});
    insert(constInt(i64, 0, l), {2});
    // The capacity as the size: an element past the length is written
    // before the length grows.
    insert(p.cap, {3, 0});
    int64_t stride = 1;
    for (unsigned d = rank; d-- > 1;) {
      insert(constInt(i64, shapes[k][d - 1], l), {3, d});
      insert(constInt(i64, stride, l), {4, d});
      stride *= shapes[k][d - 1];
    }
    insert(constInt(i64, stride, l), {4, 0});
    llvm::SmallVector<int64_t, 3> dims{mlir::ShapedType::kDynamic};
    dims.append(shapes[k].begin(), shapes[k].end());
    Leaf leaf;
    leaf.isRef = true;
    leaf.value = mlir::UnrealizedConversionCastOp::create(
                     builder, l, memType(dims, elems[k]), desc)
                     .getResult(0);
    leaf.indices.push_back(index);
    leaf.elementType = elems[k];
    leaf.shape = shapes[k];
    out.push_back(leaf);
  }
  return out;
}

mlir::Value MLIRGenImpl::genVecIndexValue(Expr &indexExpr) {
  mlir::Location l = loc(indexExpr.range);
  mlir::Value idx = genScalar(indexExpr);
  const Type *it = indexExpr.type;
  mlir::Type i64 = builder.getI64Type();
  if (it->getIntWidth() < 64)
    idx = it->isSigned()
              ? mlir::arith::ExtSIOp::create(builder, l, i64, idx).getResult()
              : mlir::arith::ExtUIOp::create(builder, l, i64, idx).getResult();
  return idx;
}

mlir::Value MLIRGenImpl::vecIndex(const Type *vecTy, const Leaves &vec,
                                  mlir::Value idx, bool inclusive,
                                  SourceRange r) {
  mlir::Location l = loc(r);
  // A negative index becomes a huge unsigned value and fails too.
  mlir::Value len = load(vec, l)[numLeaves(vecTy) - 2].value;
  genCheck(mlir::arith::CmpIOp::create(
               builder, l, inclusive ? CmpIPredicate::ugt : CmpIPredicate::uge,
               idx, len),
           "index out of bounds of a `Vec`", r);
  return idx;
}

Leaves MLIRGenImpl::genVecIndex(IndexExpr &e) {
  mlir::Location l = loc(e.range);
  Leaves base = genExpr(*e.base);
  mlir::Value idx = vecIndex(e.base->type, base, genVecIndexValue(*e.index),
                             false, e.index->range);
  return vecElement(e.base->type, base, toIndex(idx, l), l);
}

void MLIRGenImpl::vecMove(const Type *vecTy, const Leaves &vec, mlir::Value to,
                          mlir::Value from, mlir::Value count,
                          mlir::Location l) {
  VecParts p = vecParts(load(vec, l));
  llvm::SmallVector<int64_t> sizes = vecLeafBytes(vecTy);
  mlir::Type i64 = builder.getI64Type();
  for (size_t k = 0; k < sizes.size(); ++k) {
    mlir::Value size = constInt(i64, sizes[k], l);
    auto bytes = [&](mlir::Value v) {
      return mlir::arith::MulIOp::create(builder, l, v, size).getResult();
    };
    callRuntime("nl_vec_move", {p.ptrs[k], bytes(to), bytes(from), bytes(count)},
                {}, l);
  }
}

void MLIRGenImpl::vecReserve(const Type *vecTy, Leaves &parts,
                             mlir::Value needed, mlir::Location l) {
  VecParts p = vecParts(parts);
  llvm::SmallVector<int64_t> sizes = vecLeafBytes(vecTy);
  mlir::Type i64 = builder.getI64Type();
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  mlir::Value grow = mlir::arith::CmpIOp::create(builder, l, CmpIPredicate::sgt,
                                                 needed, p.cap);
  llvm::SmallVector<mlir::Type> resultTypes(p.ptrs.size(), ptrTy);
  resultTypes.push_back(i64);
  auto ifOp = mlir::scf::IfOp::create(builder, l, resultTypes, grow,
                                      /*withElseRegion=*/true);
  {
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(ifOp.thenBlock());
    // Twice the capacity, at least 4 and at least what is needed.
    mlir::Value twice = mlir::arith::MulIOp::create(builder, l, p.cap,
                                                    constInt(i64, 2, l));
    mlir::Value cap = mlir::arith::MaxSIOp::create(builder, l, twice, needed);
    cap = mlir::arith::MaxSIOp::create(builder, l, cap, constInt(i64, 4, l));
    llvm::SmallVector<mlir::Value> yields;
    for (size_t k = 0; k < sizes.size(); ++k) {
      mlir::Value size = constInt(i64, sizes[k], l);
      mlir::Value oldBytes = mlir::arith::MulIOp::create(builder, l, p.len, size);
      mlir::Value newBytes = mlir::arith::MulIOp::create(builder, l, cap, size);
      yields.push_back(
          callRuntime("nl_vec_grow", {p.ptrs[k], oldBytes, newBytes}, ptrTy, l));
    }
    yields.push_back(cap);
    mlir::scf::YieldOp::create(builder, l, yields);
    builder.setInsertionPointToStart(ifOp.elseBlock());
    llvm::SmallVector<mlir::Value> same(p.ptrs.begin(), p.ptrs.end());
    same.push_back(p.cap);
    mlir::scf::YieldOp::create(builder, l, same);
  }
  for (size_t k = 0; k < p.ptrs.size(); ++k)
    parts[k].value = ifOp.getResult(k);
  parts.back().value = ifOp.getResult(p.ptrs.size());
}

void MLIRGenImpl::dropVec(llvm::ArrayRef<Leaf> leaves, const Type *t,
                          mlir::Location l) {
  Leaves vec(leaves.begin(), leaves.end());
  VecParts p = vecParts(vec);
  const Type *elem = t->getElementType();
  if (elem->isOwned()) {
    mlir::Value lo = constIndex(0, l), one = constIndex(1, l);
    auto loop = mlir::scf::ForOp::create(builder, l, lo, toIndex(p.len, l), one);
    mlir::OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(loop.getBody()->getTerminator());
    Leaves e = vecElement(t, vec, loop.getInductionVar(), l);
    dropLeaves(load(e, l), elem, l);
  }
  for (mlir::Value ptr : p.ptrs)
    callRuntime("nl_vec_free", {ptr}, {}, l);
}

Leaves MLIRGenImpl::genHash(CallExpr &e) {
  mlir::Location l = loc(e.range);
  Expr &arg = *e.orderedArgs[0];
  const Type *t = arg.type;
  mlir::Type i64 = builder.getI64Type();
  mlir::Value ptr, bytes;
  // The one place that says how each type `hash` takes is hashed (its
  // typing rule: Sema::checkHash): FNV-1a over its bytes.
  if (t->isText()) {
    // A `str` or `String`: its buffer and length.
    Leaves s = load(genExpr(arg), l);
    ptr = s[0].value;
    bytes = s[1].value;
  } else {
    // An integer over its little-endian bytes; `bool` as one byte, 0 or 1.
    mlir::Value v = genScalar(arg);
    if (t->isBool())
      v = mlir::arith::ExtUIOp::create(builder, l, builder.getI8Type(), v);
    ptr = entryAlloca(v.getType(), l);
    mlir::LLVM::StoreOp::create(builder, l, v, ptr);
    bytes = constInt(i64, v.getType().getIntOrFloatBitWidth() / 8, l);
  }
  return {valueLeaf(callRuntime("nl_hash_bytes", {ptr, bytes}, i64, l))};
}

Leaves MLIRGenImpl::genCollectionsBuiltin(CallExpr &e) {
  if (e.builtin == Builtin::Hash)
    return genHash(e);
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  auto ptrTy = mlir::LLVM::LLVMPointerType::get(&ctx);
  const Type *vecTy = e.receiver ? e.receiver->type : e.type;
  const Type *elem = vecTy->getElementType();
  auto scalar = [&](mlir::Value v) {
    return Leaves{valueLeaf(v)};
  };
  auto cmp = [&](CmpIPredicate p, mlir::Value a, mlir::Value b) {
    return mlir::arith::CmpIOp::create(builder, l, p, a, b).getResult();
  };
  auto add = [&](mlir::Value a, int64_t b) {
    return mlir::arith::AddIOp::create(builder, l, a, constInt(i64, b, l))
        .getResult();
  };
  if (!e.receiver) {
    // Vec::new() and Vec::with_capacity(n): null pointers, then room.
    VecParts p;
    unsigned n = numLeaves(elem);
    for (unsigned k = 0; k < n; ++k)
      p.ptrs.push_back(mlir::LLVM::ZeroOp::create(builder, l, ptrTy));
    p.len = p.cap = constInt(i64, 0, l);
    Leaves parts = partsLeaves(p);
    if (e.builtin == Builtin::VecWithCapacity)
      vecReserve(vecTy, parts, genScalar(*e.orderedArgs[0]), l);
    return parts;
  }
  // The arguments first: they may change the Vec (`v.push(v.pop())`).
  Leaves recv = genExpr(*e.receiver);
  llvm::SmallVector<mlir::Value, 2> args;
  Leaves value;
  for (Expr *a : e.orderedArgs)
    if (a == e.orderedArgs.back() &&
        (e.builtin == Builtin::VecPush || e.builtin == Builtin::VecInsert))
      value = load(genExpr(*a), l);
    else
      args.push_back(genVecIndexValue(*a));
  Leaves parts = load(recv, l);
  mlir::Value &len = parts[parts.size() - 2].value;
  switch (e.builtin) {
  case Builtin::VecLen:
    return scalar(len);
  case Builtin::VecCapacity:
    return scalar(parts.back().value);
  case Builtin::VecIsEmpty:
    return scalar(cmp(CmpIPredicate::eq, len, constInt(i64, 0, l)));
  default:
    break;
  }
  Leaves result;
  auto element = [&](mlir::Value i) {
    return vecElement(vecTy, parts, toIndex(i, l), l);
  };
  switch (e.builtin) {
  case Builtin::VecPush:
  case Builtin::VecInsert: {
    mlir::Value at = len;
    if (e.builtin == Builtin::VecInsert)
      at = vecIndex(vecTy, parts, args[0], true, e.orderedArgs[0]->range);
    vecReserve(vecTy, parts, add(len, 1), l);
    if (e.builtin == Builtin::VecInsert)
      vecMove(vecTy, parts, add(at, 1), at,
              mlir::arith::SubIOp::create(builder, l, len, at), l);
    store(element(at), value, l);
    len = add(len, 1);
    break;
  }
  case Builtin::VecPop:
  case Builtin::VecRemove:
  case Builtin::VecSwapRemove: {
    mlir::Value at;
    if (e.builtin == Builtin::VecPop) {
      genCheck(cmp(CmpIPredicate::eq, len, constInt(i64, 0, l)),
               "`pop` on an empty `Vec`", e.range);
      at = add(len, -1);
    } else {
      at = vecIndex(vecTy, parts, args[0], false, e.orderedArgs[0]->range);
    }
    // The element's own copy (an array leaf is copied by load).
    result = load(element(at), l);
    mlir::Value last = add(len, -1);
    if (e.builtin == Builtin::VecRemove)
      vecMove(vecTy, parts, at, add(at, 1),
              mlir::arith::SubIOp::create(builder, l, last, at), l);
    else if (e.builtin == Builtin::VecSwapRemove)
      store(element(at), load(element(last), l), l);
    len = last;
    break;
  }
  case Builtin::VecSwap: {
    mlir::Value i = vecIndex(vecTy, parts, args[0], false,
                             e.orderedArgs[0]->range);
    mlir::Value j = vecIndex(vecTy, parts, args[1], false,
                             e.orderedArgs[1]->range);
    Leaves a = load(element(i), l);
    Leaves b = load(element(j), l);
    store(element(i), b, l);
    store(element(j), a, l);
    return {};
  }
  case Builtin::VecClear:
  case Builtin::VecTruncate: {
    mlir::Value n = constInt(i64, 0, l);
    if (e.builtin == Builtin::VecTruncate) {
      n = args[0];
      genCheck(cmp(CmpIPredicate::slt, n, constInt(i64, 0, l)),
               "`truncate` to a negative length", e.orderedArgs[0]->range);
      n = mlir::arith::MinSIOp::create(builder, l, n, len);
    }
    if (elem->isOwned()) {
      auto loop = mlir::scf::ForOp::create(builder, l, toIndex(n, l),
                                           toIndex(len, l), constIndex(1, l));
      mlir::OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(loop.getBody()->getTerminator());
      dropLeaves(load(vecElement(vecTy, parts, loop.getInductionVar(), l), l),
                 elem, l);
    }
    len = n;
    break;
  }
  default:
    llvm_unreachable("not a Vec builtin");
  }
  store(recv, parts, l);
  return result;
}

} // namespace nlc

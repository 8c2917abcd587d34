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
// Large values in memory. A struct or enum of more than kRegisterLeaves
// leaves (no arrays) passes between the functions nlc defines as one
// buffer of bytes, each leaf at its offset (8 bytes for a scalar, a
// memref's descriptor for a tensor or view): a parameter as the buffer
// its caller filled, a result as a buffer the caller allocates and the
// callee's `return` fills, appended after the parameters. The callee reads
// a parameter's leaves where it uses them and the caller a result's, so a
// value of hundreds of leaves (llama's `Model`, about 620) is not carried
// through registers and spill slots leaf by leaf, nor passed as hundreds
// of arguments. `main`, `@export` functions (called from C) and kernels
// keep the ABI above.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

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

/// The place a reference argument names: `x` for `&x` and `&mut x`; a
/// reference parameter passed on is already one.
static Expr &borrowedPlace(Expr &arg) {
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&arg);
      u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut))
    return *u->operand;
  return arg;
}

void MLIRGenImpl::genRefArg(Expr &arg,
                            llvm::SmallVectorImpl<mlir::Value> &out) {
  mlir::Location l = loc(arg.range);
  for (const Leaf &leaf : genExpr(borrowedPlace(arg)))
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

/// More leaves than this and a struct or enum value passes in memory.
constexpr unsigned kRegisterLeaves = 8;

bool MLIRGenImpl::usesMemoryAbi(const FnDecl &fn) const {
  return !fn.isExtern && !fn.isKernel && fn.symbol != "nl_main" &&
         !hasAttr(fn, "export");
}

bool MLIRGenImpl::isLarge(const Type *t) {
  return (t->isStruct() || t->isEnum()) && !t->containsArray() &&
         numLeaves(t) > kRegisterLeaves;
}

bool MLIRGenImpl::paramInMemory(const FnDecl &fn, const VarDecl &p) {
  return usesMemoryAbi(fn) && p.ref == RefKind::None && isLarge(p.type);
}

bool MLIRGenImpl::refInMemory(const FnDecl &fn, const VarDecl &p) {
  return usesMemoryAbi(fn) && p.ref != RefKind::None && isLarge(p.type);
}

bool MLIRGenImpl::resultInMemory(const FnDecl &fn) {
  return usesMemoryAbi(fn) && isLarge(fn.result);
}

/// The bytes a leaf of element type `elem` takes in a buffer: a memref's
/// descriptor (two pointers, the offset, the sizes and the strides), else
/// 8.
static int64_t leafBytes(mlir::Type elem) {
  if (auto m = mlir::dyn_cast<mlir::MemRefType>(elem))
    return 8 * (3 + 2 * m.getRank());
  return 8;
}

Leaves MLIRGenImpl::readEnum(const Expr &e, Leaves v, mlir::Location l) {
  if (!returnedInMemory(e))
    return load(v, l);
  v[0] = load(Leaves{v[0]}, l)[0];
  return v;
}

bool MLIRGenImpl::returnedInMemory(const Expr &e) {
  if (auto *t = llvm::dyn_cast<TryExpr>(&e))
    return returnedInMemory(*t->operand);
  auto *call = llvm::dyn_cast<CallExpr>(&e);
  return call && call->launch == Launch::None &&
         call->builtin == Builtin::None && call->variant < 0 && call->fn &&
         resultInMemory(*call->fn);
}

llvm::SmallVector<int64_t>
MLIRGenImpl::bufferOffsets(const Type *t,
                           llvm::SmallVectorImpl<mlir::Type> &elems) {
  llvm::SmallVector<llvm::SmallVector<int64_t, 2>> shapes;
  leafTypes(t, elems, shapes);
  llvm::SmallVector<int64_t> offsets{0};
  for (mlir::Type e : elems)
    offsets.push_back(offsets.back() + leafBytes(e));
  return offsets;
}

mlir::MemRefType MLIRGenImpl::bufferType(const Type *t) {
  llvm::SmallVector<mlir::Type> elems;
  return mlir::MemRefType::get({bufferOffsets(t, elems).back()},
                               builder.getI8Type());
}

mlir::MemRefType MLIRGenImpl::refBufferType() {
  return mlir::MemRefType::get({mlir::ShapedType::kDynamic},
                               builder.getI8Type());
}

mlir::Value MLIRGenImpl::byteValue(mlir::Value base, int64_t offset,
                                   mlir::Location l) {
  mlir::Value c = constIndex(offset, l);
  return base ? mlir::arith::AddIOp::create(builder, l, base, c).getResult()
              : c;
}

mlir::OpFoldResult MLIRGenImpl::bytePosition(mlir::Value base, int64_t offset,
                                             mlir::Location l) {
  if (!base)
    return builder.getIndexAttr(offset);
  return byteValue(base, offset, l);
}

Leaves MLIRGenImpl::bufferLeaves(mlir::Value buffer, const Type *t,
                                 mlir::Location l, mlir::Value base) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<int64_t> offsets = bufferOffsets(t, elems);
  Leaves out;
  for (auto [e, offset] : llvm::zip(elems, offsets)) {
    Leaf leaf;
    leaf.isRef = true;
    leaf.elementType = e;
    leaf.value = mlir::memref::ViewOp::create(
        builder, l, memType({}, e), buffer, byteValue(base, offset, l),
        mlir::ValueRange{});
    out.push_back(leaf);
  }
  return out;
}

mlir::Value MLIRGenImpl::allocateBuffer(const Type *t, mlir::Location l) {
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&currentFunc.getBody().front());
  // Aligned for its 8-byte leaves (each at a multiple of 8).
  return mlir::memref::AllocaOp::create(builder, l, bufferType(t),
                                        builder.getI64IntegerAttr(8));
}

namespace {

/// Where a leaf lies in a buffer (bufferLeaves): the buffer, a byte offset
/// known only at run time (or null) and a constant one added to it.
struct BufferPlace {
  mlir::Value buffer, base;
  int64_t offset = 0;
  bool operator==(const BufferPlace &o) const {
    return buffer == o.buffer && base == o.base && offset == o.offset;
  }
};

} // namespace

/// `leaf`'s place in a buffer, or one with a null buffer.
static BufferPlace placeInBuffer(const Leaf &leaf) {
  auto view = leaf.isRef && leaf.indices.empty()
                  ? leaf.value.getDefiningOp<mlir::memref::ViewOp>()
                  : nullptr;
  if (!view)
    return {};
  mlir::Value shift = view.getByteShift();
  if (std::optional<int64_t> c = mlir::getConstantIntValue(shift))
    return {view.getSource(), {}, *c};
  if (auto add = shift.getDefiningOp<mlir::arith::AddIOp>())
    if (std::optional<int64_t> c = mlir::getConstantIntValue(add.getRhs()))
      return {view.getSource(), add.getLhs(), *c};
  return {};
}

void MLIRGenImpl::storeToBuffer(mlir::Value buffer, const Type *t,
                                const Leaves &value, mlir::Location l,
                                mlir::Value at) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<int64_t> offsets = bufferOffsets(t, elems);
  Leaves slots = bufferLeaves(buffer, t, l, at);
  // Runs of leaves that lie one after the other in one buffer, as they do
  // in this one (a value read from another buffer, or a part of one: an
  // enum's payload, a field), are copied as bytes, one memcpy a run.
  auto bytes = [&](mlir::Value mem, mlir::OpFoldResult at, int64_t size) {
    return mlir::memref::SubViewOp::create(
        builder, l, mem, llvm::ArrayRef<mlir::OpFoldResult>{at},
        llvm::ArrayRef<mlir::OpFoldResult>{builder.getIndexAttr(size)},
        llvm::ArrayRef<mlir::OpFoldResult>{builder.getIndexAttr(1)});
  };
  for (size_t i = 0; i < slots.size();) {
    BufferPlace from = placeInBuffer(value[i]);
    size_t end = i + 1;
    while (from.buffer && end < slots.size() &&
           placeInBuffer(value[end]) ==
               BufferPlace{from.buffer, from.base,
                           from.offset + offsets[end] - offsets[i]})
      ++end;
    if (end - i > 1) {
      int64_t size = offsets[end] - offsets[i];
      // (Source, then target: in this order in the IR.)
      mlir::Value source =
          bytes(from.buffer, bytePosition(from.base, from.offset, l), size);
      mlir::Value dest = bytes(buffer, bytePosition(at, offsets[i], l), size);
      mlir::memref::CopyOp::create(builder, l, source, dest);
      i = end;
      continue;
    }
    Leaf v = load(Leaves{value[i]}, l)[0];
    if (!v.value.getDefiningOp<mlir::ub::PoisonOp>())
      store(Leaves{slots[i]}, Leaves{v}, l);
    ++i;
  }
}

std::optional<std::pair<mlir::Value, mlir::Value>>
MLIRGenImpl::runInBuffer(const Leaves &leaves, const Type *t,
                         mlir::Location l) {
  llvm::SmallVector<mlir::Type> elems;
  llvm::SmallVector<int64_t> offsets = bufferOffsets(t, elems);
  BufferPlace first = placeInBuffer(leaves[0]);
  if (!first.buffer)
    return std::nullopt;
  for (size_t i = 1; i < leaves.size(); ++i)
    if (!(placeInBuffer(leaves[i]) ==
          BufferPlace{first.buffer, first.base, first.offset + offsets[i]}))
      return std::nullopt;
  return std::make_pair(first.buffer, byteValue(first.base, first.offset, l));
}

void MLIRGenImpl::genBufferRefArg(Expr &arg, const VarDecl &param,
                                  llvm::SmallVectorImpl<mlir::Value> &out,
                                  std::function<void()> &writeBack) {
  mlir::Location l = loc(arg.range);
  const Type *t = param.type;
  mlir::MemRefType bytes = refBufferType();
  Leaves leaves = genExpr(borrowedPlace(arg));
  // The place is one run of a buffer (a parameter, a call's result, a
  // `var`, or a part of one): that buffer, from the run's first byte.
  if (auto run = runInBuffer(leaves, t, l)) {
    out.push_back(mlir::memref::CastOp::create(builder, l, bytes, run->first));
    out.push_back(run->second);
    return;
  }
  // Otherwise a copy in a fresh buffer, copied back after a `&mut` call.
  mlir::Value copy = allocateBuffer(t, l);
  storeToBuffer(copy, t, leaves, l);
  out.push_back(mlir::memref::CastOp::create(builder, l, bytes, copy));
  out.push_back(constIndex(0, l));
  if (param.ref == RefKind::Mut)
    writeBack = [this, copy, t, leaves, l] {
      store(leaves, load(bufferLeaves(copy, t, l), l), l);
    };
}

} // namespace nlc

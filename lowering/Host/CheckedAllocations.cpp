//===- CheckedAllocations.cpp - The nlc-checked-allocations pass ----------===//
//
// Heap memory of generated code (tensors, tile-map results, large tile
// buffers) is a memref.alloc. MLIR's own lowering would call malloc with a
// size it multiplies without an overflow check and never test the result;
// this pass replaces each memref.alloc with identity layout by a call to the
// runtime's nl_alloc_at with a size computed with overflow checks (-1 when
// it overflows) and the allocation's source location, so that a huge or
// failed allocation is a runtime error at that location. Each
// memref.dealloc becomes a call to nl_dealloc. It runs before arith is
// lowered, so the size arithmetic is ordinary arith code.
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#include <map>

namespace nlc {

#define GEN_PASS_DEF_CHECKEDALLOCATIONS
#include "lowering/Host/Passes.h.inc"

namespace {

constexpr llvm::StringLiteral kAllocFn = "nl_alloc_at";
/// An allocation marked `nlc.scratch` (memory taken and given back around
/// one launch, e.g. tile-pack-dot-operands' buffers) comes from the
/// runtime's kept scratch blocks instead; nl_dealloc gives it back.
constexpr llvm::StringLiteral kScratchFn = "nl_scratch_take_at";
constexpr llvm::StringLiteral kScratchAttr = "nlc.scratch";
constexpr llvm::StringLiteral kDeallocFn = "nl_dealloc";
/// An allocation marked `nlc.device_memory` (a tensor on the GPU, in a
/// program built for one) comes from nl_gpu_alloc_at: GPU memory the host
/// reads and writes too. nl_dealloc frees it.
constexpr llvm::StringLiteral kDeviceFn = "nl_gpu_alloc_at";
constexpr llvm::StringLiteral kDeviceAttr = "nlc.device_memory";
/// Tensor data is aligned for the widest vector loads (AVX-512, cache lines).
constexpr int64_t kAlignment = 64;

struct CheckedAllocations
    : public impl::CheckedAllocationsBase<CheckedAllocations> {
  void runOnOperation() override;

private:
  /// The declaration of runtime function `name`, created on first use.
  mlir::LLVM::LLVMFuncOp runtimeFn(llvm::StringRef name,
                                   mlir::LLVM::LLVMFunctionType type);
  /// The global holding the bytes of `file`, created on first use.
  mlir::LLVM::GlobalOp fileName(llvm::StringRef file, mlir::Location loc);
  mlir::LogicalResult lowerAlloc(mlir::memref::AllocOp op);
  void lowerDealloc(mlir::memref::DeallocOp op);

  std::map<std::string, mlir::LLVM::GlobalOp> fileNames;
};

} // namespace

/// The size in bytes of one element of type `t`, or 0 for types this pass
/// leaves to MLIR's lowering.
static int64_t elementBytes(mlir::Type t) {
  if (t.isIndex())
    return 8;
  if (t.isIntOrFloat())
    return (t.getIntOrFloatBitWidth() + 7) / 8;
  return 0;
}

mlir::LLVM::LLVMFuncOp
CheckedAllocations::runtimeFn(llvm::StringRef name,
                              mlir::LLVM::LLVMFunctionType type) {
  mlir::ModuleOp module = getOperation();
  if (auto fn = module.lookupSymbol<mlir::LLVM::LLVMFuncOp>(name))
    return fn;
  mlir::OpBuilder b(module.getBodyRegion());
  return mlir::LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
}

mlir::LLVM::GlobalOp CheckedAllocations::fileName(llvm::StringRef file,
                                                  mlir::Location loc) {
  auto it = fileNames.find(file.str());
  if (it != fileNames.end())
    return it->second;
  mlir::ModuleOp module = getOperation();
  mlir::OpBuilder b(module.getBodyRegion());
  auto type = mlir::LLVM::LLVMArrayType::get(b.getI8Type(), file.size());
  std::string name = "__nl_alloc_file." + std::to_string(fileNames.size());
  auto global = mlir::LLVM::GlobalOp::create(
      b, loc, type, /*isConstant=*/true, mlir::LLVM::Linkage::Internal, name,
      b.getStringAttr(file));
  fileNames.emplace(file.str(), global);
  return global;
}

mlir::LogicalResult CheckedAllocations::lowerAlloc(mlir::memref::AllocOp op) {
  mlir::MemRefType type = op.getType();
  int64_t elemBytes = elementBytes(type.getElementType());
  if (!type.getLayout().isIdentity() || elemBytes == 0 ||
      type.getMemorySpace())
    return mlir::failure();
  mlir::MLIRContext *ctx = &getContext();
  mlir::Location loc = op.getLoc();
  mlir::OpBuilder b(op);
  auto i64 = b.getI64Type();
  auto ptr = mlir::LLVM::LLVMPointerType::get(ctx);
  auto constI64 = [&](int64_t v) -> mlir::Value {
    return mlir::arith::ConstantIntOp::create(b, loc, i64, v);
  };

  // Sizes of every dimension, as i64; the strides of the row-major layout.
  llvm::SmallVector<mlir::Value> sizes;
  auto dynamic = op.getDynamicSizes().begin();
  for (int64_t dim : type.getShape())
    sizes.push_back(mlir::ShapedType::isDynamic(dim)
                        ? mlir::arith::IndexCastOp::create(b, loc, i64,
                                                           *dynamic++)
                              .getResult()
                        : constI64(dim));
  llvm::SmallVector<mlir::Value> strides(sizes.size());
  mlir::Value stride = constI64(1);
  for (size_t d = sizes.size(); d-- > 0;) {
    strides[d] = stride;
    if (d > 0)
      stride = mlir::arith::MulIOp::create(b, loc, stride, sizes[d]);
  }

  // bytes = elemBytes * size0 * size1 ...; -1 if any product overflows or a
  // size is negative.
  mlir::Value zero = constI64(0);
  mlir::Value bytes = constI64(elemBytes);
  mlir::Value bad = mlir::arith::ConstantIntOp::create(b, loc, 0, 1);
  for (mlir::Value size : sizes) {
    auto product = mlir::arith::MulSIExtendedOp::create(b, loc, bytes, size);
    mlir::Value sign = mlir::arith::ShRSIOp::create(b, loc, product.getLow(),
                                                    constI64(63));
    mlir::Value overflow = mlir::arith::CmpIOp::create(
        b, loc, mlir::arith::CmpIPredicate::ne, product.getHigh(), sign);
    mlir::Value negative = mlir::arith::CmpIOp::create(
        b, loc, mlir::arith::CmpIPredicate::slt, size, zero);
    bad = mlir::arith::OrIOp::create(
        b, loc, bad, mlir::arith::OrIOp::create(b, loc, overflow, negative));
    bytes = product.getLow();
  }
  bytes = mlir::arith::SelectOp::create(b, loc, bad, constI64(-1), bytes);

  int64_t align = std::max<int64_t>(kAlignment, op.getAlignment().value_or(1));
  std::string file = "<unknown>";
  int64_t line = 0, col = 0;
  if (auto flc = loc->findInstanceOf<mlir::FileLineColLoc>()) {
    file = flc.getFilename().str();
    line = flc.getLine();
    col = flc.getColumn();
  }
  mlir::Value filePtr =
      mlir::LLVM::AddressOfOp::create(b, loc, fileName(file, loc));
  mlir::Value mem;
  // GPU memory and scratch blocks are 64-byte aligned (or more) and take no
  // alignment argument.
  llvm::StringRef special = op->hasAttr(kDeviceAttr)    ? kDeviceFn
                            : op->hasAttr(kScratchAttr) ? kScratchFn
                                                        : "";
  if (!special.empty() && align <= kAlignment) {
    auto takeType =
        mlir::LLVM::LLVMFunctionType::get(ptr, {i64, ptr, i64, i64, i64});
    mem = mlir::LLVM::CallOp::create(
              b, loc, runtimeFn(special, takeType),
              mlir::ValueRange{bytes, filePtr, constI64(file.size()),
                               constI64(line), constI64(col)})
              .getResult();
  } else {
    auto allocType =
        mlir::LLVM::LLVMFunctionType::get(ptr, {i64, i64, ptr, i64, i64, i64});
    mem = mlir::LLVM::CallOp::create(
              b, loc, runtimeFn(kAllocFn, allocType),
              mlir::ValueRange{bytes, constI64(align), filePtr,
                               constI64(file.size()), constI64(line),
                               constI64(col)})
              .getResult();
  }

  // The descriptor MLIR's memref lowering expects: allocated and aligned
  // pointer, offset, sizes, strides.
  int64_t rank = type.getRank();
  llvm::SmallVector<mlir::Type> fields = {ptr, ptr, i64};
  if (rank > 0) {
    auto array = mlir::LLVM::LLVMArrayType::get(i64, rank);
    fields.append({array, array});
  }
  auto descType = mlir::LLVM::LLVMStructType::getLiteral(ctx, fields);
  mlir::Value desc = mlir::LLVM::UndefOp::create(b, loc, descType);
  desc = mlir::LLVM::InsertValueOp::create(b, loc, desc, mem,
                                            llvm::ArrayRef<int64_t>{0});
  desc = mlir::LLVM::InsertValueOp::create(b, loc, desc, mem,
                                            llvm::ArrayRef<int64_t>{1});
  desc = mlir::LLVM::InsertValueOp::create(b, loc, desc, zero,
                                            llvm::ArrayRef<int64_t>{2});
  for (int64_t d = 0; d < rank; ++d) {
    desc = mlir::LLVM::InsertValueOp::create(
        b, loc, desc, sizes[d], llvm::ArrayRef<int64_t>{3, d});
    desc = mlir::LLVM::InsertValueOp::create(
        b, loc, desc, strides[d], llvm::ArrayRef<int64_t>{4, d});
  }
  mlir::Value memref =
      mlir::UnrealizedConversionCastOp::create(b, loc, type, desc).getResult(0);
  op.getResult().replaceAllUsesWith(memref);
  op.erase();
  return mlir::success();
}

void CheckedAllocations::lowerDealloc(mlir::memref::DeallocOp op) {
  auto type = mlir::dyn_cast<mlir::MemRefType>(op.getMemref().getType());
  if (!type || type.getMemorySpace())
    return;
  mlir::MLIRContext *ctx = &getContext();
  mlir::Location loc = op.getLoc();
  mlir::OpBuilder b(op);
  auto i64 = b.getI64Type();
  auto ptr = mlir::LLVM::LLVMPointerType::get(ctx);
  llvm::SmallVector<mlir::Type> fields = {ptr, ptr, i64};
  if (type.getRank() > 0) {
    auto array = mlir::LLVM::LLVMArrayType::get(i64, type.getRank());
    fields.append({array, array});
  }
  auto descType = mlir::LLVM::LLVMStructType::getLiteral(ctx, fields);
  mlir::Value desc = mlir::UnrealizedConversionCastOp::create(
                         b, loc, descType, op.getMemref())
                         .getResult(0);
  mlir::Value mem = mlir::LLVM::ExtractValueOp::create(
      b, loc, desc, llvm::ArrayRef<int64_t>{0});
  auto freeType = mlir::LLVM::LLVMFunctionType::get(
      mlir::LLVM::LLVMVoidType::get(ctx), {ptr});
  mlir::LLVM::CallOp::create(b, loc, runtimeFn(kDeallocFn, freeType),
                             mlir::ValueRange{mem});
  op.erase();
}

void CheckedAllocations::runOnOperation() {
  mlir::ModuleOp module = getOperation();
  fileNames.clear();
  for (llvm::StringRef name : {kAllocFn, kDeallocFn, kScratchFn, kDeviceFn}) {
    mlir::Operation *existing = module.lookupSymbol(name);
    if (existing && !mlir::isa<mlir::LLVM::LLVMFuncOp>(existing)) {
      existing->emitError() << "`" << name
                            << "` is the runtime's; the module may not "
                               "define or declare it";
      return signalPassFailure();
    }
  }
  llvm::SmallVector<mlir::memref::AllocOp> allocs;
  llvm::SmallVector<mlir::memref::DeallocOp> deallocs;
  module.walk([&](mlir::Operation *op) {
    if (auto alloc = mlir::dyn_cast<mlir::memref::AllocOp>(op))
      allocs.push_back(alloc);
    else if (auto dealloc = mlir::dyn_cast<mlir::memref::DeallocOp>(op))
      deallocs.push_back(dealloc);
  });
  for (mlir::memref::AllocOp op : allocs)
    if (mlir::failed(lowerAlloc(op))) {
      // Its memory would come from malloc, which nl_dealloc cannot free.
      op.emitError("nlc-checked-allocations: cannot lower this allocation");
      return signalPassFailure();
    }
  for (mlir::memref::DeallocOp op : deallocs)
    lowerDealloc(op);
}

} // namespace nlc

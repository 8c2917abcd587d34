//===- ProfileFunctions.cpp - The nlc-profile-functions pass --------------===//
//
// Instrumentation for `nlc --profile`, on the LLVM dialect so that it sees
// every function whatever it was lowered from. The counters live in one
// NlProfileEntry record per function (runtime/nl_runtime.h: calls, cycles,
// name, name length, next), registered with the runtime by a module
// constructor. The generated code stays simple: two cycle-counter reads and
// two atomic adds to a global per call (kernels run on several threads), no
// calls into the runtime.
//
//===----------------------------------------------------------------------===//

#include "lowering/Host/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace nlc {

#define GEN_PASS_DEF_PROFILEFUNCTIONS
#include "lowering/Host/Passes.h.inc"

namespace {

/// Field indices of NlProfileEntry.
enum EntryField { Calls = 0, Cycles = 1, Name = 2, NameLen = 3 };

constexpr llvm::StringLiteral kPrefix = "__nl_prof";
constexpr llvm::StringLiteral kReadCycles = "llvm.readcyclecounter";

struct ProfileFunctions : public impl::ProfileFunctionsBase<ProfileFunctions> {
  void runOnOperation() override;

private:
  /// Creates the record of `fn` and returns it.
  mlir::LLVM::GlobalOp createEntry(mlir::OpBuilder &b,
                                   mlir::LLVM::LLVMFuncOp fn,
                                   mlir::LLVM::LLVMStructType entryType);
  /// Adds `value` to field `field` of the record at `entry`.
  void addTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value entry,
             mlir::LLVM::LLVMStructType entryType, EntryField field,
             mlir::Value value);
};

} // namespace

mlir::LLVM::GlobalOp
ProfileFunctions::createEntry(mlir::OpBuilder &b, mlir::LLVM::LLVMFuncOp fn,
                              mlir::LLVM::LLVMStructType entryType) {
  mlir::MLIRContext *ctx = b.getContext();
  mlir::Location loc = fn.getLoc();
  llvm::StringRef symbol = fn.getSymName();
  std::string name = symbol == "nl_main" ? "main" : symbol.str();
  auto nameType = mlir::LLVM::LLVMArrayType::get(mlir::IntegerType::get(ctx, 8),
                                                 name.size());
  auto nameGlobal = mlir::LLVM::GlobalOp::create(
      b, loc, nameType, /*isConstant=*/true, mlir::LLVM::Linkage::Internal,
      (kPrefix + "_name." + symbol).str(), b.getStringAttr(name));
  auto entry = mlir::LLVM::GlobalOp::create(
      b, loc, entryType, /*isConstant=*/false, mlir::LLVM::Linkage::Internal,
      (kPrefix + "." + symbol).str(), mlir::Attribute(), /*alignment=*/8);
  // Initializer: zero counts, the name, a null link.
  mlir::Block *init = b.createBlock(&entry.getInitializerRegion());
  mlir::OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(init);
  mlir::Value value = mlir::LLVM::ZeroOp::create(b, loc, entryType);
  mlir::Value namePtr = mlir::LLVM::AddressOfOp::create(b, loc, nameGlobal);
  value = mlir::LLVM::InsertValueOp::create(b, loc, value, namePtr,
                                            int64_t(EntryField::Name));
  mlir::Value len = mlir::LLVM::ConstantOp::create(
      b, loc, b.getI64Type(), b.getI64IntegerAttr(name.size()));
  value = mlir::LLVM::InsertValueOp::create(b, loc, value, len,
                                            int64_t(EntryField::NameLen));
  mlir::LLVM::ReturnOp::create(b, loc, value);
  return entry;
}

void ProfileFunctions::addTo(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value entry,
                             mlir::LLVM::LLVMStructType entryType,
                             EntryField field, mlir::Value value) {
  auto ptrType = mlir::LLVM::LLVMPointerType::get(b.getContext());
  mlir::Value addr = mlir::LLVM::GEPOp::create(
      b, loc, ptrType, entryType, entry,
      llvm::ArrayRef<mlir::LLVM::GEPArg>{0, int32_t(field)});
  // Atomic: kernel instances run on several threads at once. Monotonic
  // order is enough for counters read only when the program ends.
  mlir::LLVM::AtomicRMWOp::create(b, loc, mlir::LLVM::AtomicBinOp::add, addr,
                                  value, mlir::LLVM::AtomicOrdering::monotonic);
}

void ProfileFunctions::runOnOperation() {
  mlir::ModuleOp module = getOperation();
  mlir::MLIRContext *ctx = &getContext();
  mlir::OpBuilder b(ctx);
  auto i64 = b.getI64Type();
  auto ptrType = mlir::LLVM::LLVMPointerType::get(ctx);
  auto entryType = mlir::LLVM::LLVMStructType::getLiteral(
      ctx, {i64, i64, ptrType, i64, ptrType});

  llvm::SmallVector<mlir::LLVM::LLVMFuncOp> functions;
  for (auto fn : module.getOps<mlir::LLVM::LLVMFuncOp>())
    if (!fn.isExternal() && !fn.getSymName().starts_with(kPrefix))
      functions.push_back(fn);
  if (functions.empty())
    return;
  if (!module.getOps<mlir::LLVM::GlobalCtorsOp>().empty()) {
    module.emitError("nlc-profile-functions: the module already has "
                     "llvm.mlir.global_ctors");
    return signalPassFailure();
  }

  llvm::SmallVector<mlir::LLVM::GlobalOp> entries;
  for (mlir::LLVM::LLVMFuncOp fn : functions) {
    b.setInsertionPointToEnd(module.getBody());
    mlir::LLVM::GlobalOp entry = createEntry(b, fn, entryType);
    entries.push_back(entry);

    mlir::Location loc = fn.getLoc();
    b.setInsertionPointToStart(&fn.getBody().front());
    mlir::Value start =
        mlir::LLVM::CallIntrinsicOp::create(
            b, loc, i64, b.getStringAttr(kReadCycles), mlir::ValueRange{})
            .getResult(0);
    llvm::SmallVector<mlir::LLVM::ReturnOp> returns;
    fn.walk([&](mlir::LLVM::ReturnOp r) { returns.push_back(r); });
    for (mlir::LLVM::ReturnOp r : returns) {
      b.setInsertionPoint(r);
      mlir::Location rloc = r.getLoc();
      mlir::Value end =
          mlir::LLVM::CallIntrinsicOp::create(
              b, rloc, i64, b.getStringAttr(kReadCycles), mlir::ValueRange{})
              .getResult(0);
      mlir::Value elapsed = mlir::LLVM::SubOp::create(b, rloc, end, start);
      mlir::Value addr = mlir::LLVM::AddressOfOp::create(b, rloc, entry);
      mlir::Value one =
          mlir::LLVM::ConstantOp::create(b, rloc, i64, b.getI64IntegerAttr(1));
      addTo(b, rloc, addr, entryType, EntryField::Calls, one);
      addTo(b, rloc, addr, entryType, EntryField::Cycles, elapsed);
    }
  }

  // The constructor that registers every record.
  mlir::Location loc = module.getLoc();
  b.setInsertionPointToEnd(module.getBody());
  auto registerFn =
      module.lookupSymbol<mlir::LLVM::LLVMFuncOp>("nl_profile_register");
  if (!registerFn)
    registerFn = mlir::LLVM::LLVMFuncOp::create(
        b, loc, "nl_profile_register",
        mlir::LLVM::LLVMFunctionType::get(mlir::LLVM::LLVMVoidType::get(ctx),
                                          {ptrType}));
  auto init = mlir::LLVM::LLVMFuncOp::create(
      b, loc, (kPrefix + "_init").str(),
      mlir::LLVM::LLVMFunctionType::get(mlir::LLVM::LLVMVoidType::get(ctx), {}),
      mlir::LLVM::Linkage::Internal);
  {
    mlir::OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(init.addEntryBlock(b));
    for (mlir::LLVM::GlobalOp entry : entries) {
      mlir::Value addr = mlir::LLVM::AddressOfOp::create(b, loc, entry);
      mlir::LLVM::CallOp::create(b, loc, registerFn, mlir::ValueRange{addr});
    }
    mlir::LLVM::ReturnOp::create(b, loc, mlir::ValueRange{});
  }
  mlir::LLVM::GlobalCtorsOp::create(
      b, loc, b.getArrayAttr({mlir::FlatSymbolRefAttr::get(init)}),
      b.getI32ArrayAttr({65535}),
      b.getArrayAttr({mlir::LLVM::ZeroAttr::get(ctx)}));
}

} // namespace nlc

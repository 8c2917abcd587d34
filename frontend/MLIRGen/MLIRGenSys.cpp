//===- MLIRGenSys.cpp - The sys:: builtins --------------------------------===//
//
// Each `sys::` builtin is a call of the runtime's file, environment or exit
// functions (runtime/nl_runtime.h). Strings pass as their (pointer, length)
// leaves; a buffer passes as the address of its first element and its size
// in bytes; `sys::map` wraps the mapped memory in a rank-1 memref
// descriptor, which the program owns and frees like any tensor (nl_free
// knows mapped memory).
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace nlc {

namespace {
Leaf scalar(mlir::Value v) {
  Leaf leaf;
  leaf.value = v;
  leaf.elementType = v.getType();
  return leaf;
}
} // namespace

Leaves MLIRGenImpl::genSysBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  mlir::Type i32 = builder.getI32Type();
  mlir::Type ptr = mlir::LLVM::LLVMPointerType::get(&ctx);
  auto call = [&](llvm::StringRef fn, llvm::ArrayRef<mlir::Type> args,
                  llvm::ArrayRef<mlir::Type> results,
                  mlir::ValueRange values) -> mlir::Value {
    auto op = mlir::func::CallOp::create(
        builder, l, runtimeFn(fn, args, results), values);
    return results.empty() ? mlir::Value() : op.getResult(0);
  };
  auto str = [&](Expr &x) { return load(genExpr(x), l); };
  // The address of a rank-1 buffer's first element and its size in bytes.
  auto buffer = [&](Expr &x) -> std::pair<mlir::Value, mlir::Value> {
    mlir::Value mem = genScalar(x);
    auto type = mlir::cast<mlir::MemRefType>(mem.getType());
    int64_t elemBytes = (type.getElementTypeBitWidth() + 7) / 8;
    auto meta = mlir::memref::ExtractStridedMetadataOp::create(builder, l, mem);
    mlir::Value base =
        mlir::memref::ExtractAlignedPointerAsIndexOp::create(builder, l, mem);
    auto bytes = [&](mlir::Value index) {
      return mlir::arith::MulIOp::create(
          builder, l, mlir::arith::IndexCastOp::create(builder, l, i64, index),
          constInt(i64, elemBytes, l));
    };
    mlir::Value addr = mlir::arith::AddIOp::create(
        builder, l, mlir::arith::IndexCastOp::create(builder, l, i64, base),
        bytes(meta.getOffset()));
    return {mlir::LLVM::IntToPtrOp::create(builder, l, ptr, addr),
            bytes(meta.getSizes()[0])};
  };
  // The tensor `t` of a mapped file: the descriptor of memref<?xi8>
  // (allocated and aligned pointer `data`, offset 0, the file's size,
  // stride 1).
  auto mapped = [&](mlir::Value fd, mlir::Value data, const Type *t) {
    mlir::Value size = call("nl_file_size", {i64}, {i64}, {fd});
    auto array = mlir::LLVM::LLVMArrayType::get(i64, 1);
    auto descType = mlir::LLVM::LLVMStructType::getLiteral(
        &ctx, {ptr, ptr, i64, array, array});
    mlir::Value desc = mlir::LLVM::UndefOp::create(builder, l, descType);
    auto insert = [&](mlir::Value v, llvm::ArrayRef<int64_t> pos) {
      desc = mlir::LLVM::InsertValueOp::create(builder, l, desc, v, pos);
    };
    insert(data, {0});
    insert(data, {1});
    insert(constInt(i64, 0, l), {2});
    insert(size, {3, 0});
    insert(constInt(i64, 1, l), {4, 0});
    return mlir::UnrealizedConversionCastOp::create(builder, l, valueType(t),
                                                    desc)
        .getResult(0);
  };
  Expr *a0 = e.orderedArgs.empty() ? nullptr : e.orderedArgs[0];
  switch (e.builtin) {
  case Builtin::SysOpen: {
    Leaves path = str(*a0);
    mlir::Value mode = genScalar(*e.orderedArgs[1]);
    return {scalar(call("nl_file_open", {ptr, i64, i64}, {i64},
                        {path[0].value, path[1].value, mode}))};
  }
  case Builtin::SysRead:
  case Builtin::SysWrite: {
    mlir::Value fd = genScalar(*a0);
    auto [data, bytes] = buffer(*e.orderedArgs[1]);
    const char *fn =
        e.builtin == Builtin::SysRead ? "nl_file_read" : "nl_file_write";
    return {scalar(call(fn, {i64, ptr, i64}, {i64}, {fd, data, bytes}))};
  }
  case Builtin::SysWriteStr: {
    mlir::Value fd = genScalar(*a0);
    // A `str` or `String`, also borrowed as `&s`.
    Text s = genText(*e.orderedArgs[1]);
    return {scalar(call("nl_file_write", {i64, ptr, i64}, {i64},
                        {fd, s.ptr, s.len}))};
  }
  case Builtin::SysSeek: {
    mlir::Value fd = genScalar(*a0);
    mlir::Value offset = genScalar(*e.orderedArgs[1]);
    mlir::Value whence = genScalar(*e.orderedArgs[2]);
    return {scalar(call("nl_file_seek", {i64, i64, i64}, {i64},
                        {fd, offset, whence}))};
  }
  case Builtin::SysSize:
  case Builtin::SysClose: {
    const char *fn =
        e.builtin == Builtin::SysSize ? "nl_file_size" : "nl_file_close";
    return {scalar(call(fn, {i64}, {i64}, {genScalar(*a0)}))};
  }
  case Builtin::SysMap:
  case Builtin::SysTryMap: {
    mlir::Value fd = genScalar(*a0);
    if (e.builtin == Builtin::SysTryMap) {
      // `Result<Tensor<i8, 1>, i64>`: the tag, the tensor (meaningful for
      // Ok), the error code (for Err).
      mlir::Value r = call("nl_file_try_map", {i64}, {i64}, {fd});
      mlir::Value failed = mlir::arith::CmpIOp::create(
          builder, l, mlir::arith::CmpIPredicate::uge, r,
          constInt(i64, -4095, l));
      mlir::Value data = mlir::LLVM::IntToPtrOp::create(builder, l, ptr, r);
      StructDecl *sd = e.type->getStructDecl();
      unsigned ok = sd->variants[0].name.name == "Ok" ? 0 : 1;
      mlir::Value tag = mlir::arith::SelectOp::create(
          builder, l, failed, constInt(i32, 1 - ok, l), constInt(i32, ok, l));
      return {scalar(tag), scalar(mapped(fd, data, sd->variants[ok].payload[0])),
              scalar(r)};
    }
    LineCol lc = sm.getLineCol(e.range.begin);
    Leaves file = genStr(sm.getName(e.range.begin.file), l);
    mlir::Value data = call("nl_file_map_at", {i64, ptr, i64, i64, i64}, {ptr},
                            {fd, file[0].value, file[1].value,
                             constInt(i64, lc.line, l),
                             constInt(i64, lc.col, l)});
    return {scalar(mapped(fd, data, e.type))};
  }
  case Builtin::SysErrorMessage: {
    mlir::Value code = genScalar(*a0);
    return {scalar(call("nl_error_message", {i64}, {ptr}, {code})),
            scalar(call("nl_error_message_len", {i64}, {i64}, {code}))};
  }
  case Builtin::SysEnv:
  case Builtin::SysHasEnv: {
    Leaves name = str(*a0);
    mlir::Value len = call("nl_env_len", {ptr, i64}, {i64},
                           {name[0].value, name[1].value});
    if (e.builtin == Builtin::SysHasEnv)
      return {scalar(mlir::arith::CmpIOp::create(
          builder, l, mlir::arith::CmpIPredicate::sge, len,
          constInt(i64, 0, l)))};
    // An unset variable reads as the empty string.
    mlir::Value value = call("nl_env_get", {ptr, i64}, {ptr},
                             {name[0].value, name[1].value});
    mlir::Value zero = constInt(i64, 0, l);
    return {scalar(value),
            scalar(mlir::arith::MaxSIOp::create(builder, l, len, zero))};
  }
  case Builtin::SysExit:
    call("nl_exit", {i32}, {}, {genScalar(*a0)});
    return {};
  default:
    llvm_unreachable("not a sys:: builtin");
  }
}

} // namespace nlc

//===- MLIRGenString.cpp - Typed AST to MLIR: strings ---------------------===//
//
// A `str` is two leaves (pointer, length) and a `String` three (buffer,
// length, capacity; the buffer pointer is stored as an i64 in memory like a
// `str`'s). Reading text takes the first two leaves of either. A `String` is
// changed by copying its leaves into an NlString slot on the stack, calling
// the runtime (runtime/core/strings.c) with the slot's address and storing
// the leaves back; a new `String` is built the same way from an empty slot.
// Positions are checked here, with the panic at the source location.
//
//===----------------------------------------------------------------------===//

#include "frontend/MLIRGen/MLIRGenImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace nlc {

using mlir::arith::CmpIPredicate;

mlir::Value MLIRGenImpl::callRuntime(llvm::StringRef name,
                                     llvm::ArrayRef<mlir::Value> args,
                                     mlir::Type result, mlir::Location l) {
  llvm::SmallVector<mlir::Type> types;
  for (mlir::Value a : args)
    types.push_back(a.getType());
  llvm::SmallVector<mlir::Type, 1> results;
  if (result)
    results.push_back(result);
  auto call = mlir::func::CallOp::create(
      builder, l, runtimeFn(name, types, results), args);
  return result ? call.getResult(0) : mlir::Value();
}

mlir::Value MLIRGenImpl::entryAlloca(mlir::Type elem, mlir::Location l) {
  mlir::OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&currentFunc.getBody().front());
  mlir::Value one = constInt(builder.getI64Type(), 1, l);
  return mlir::LLVM::AllocaOp::create(
      builder, l, mlir::LLVM::LLVMPointerType::get(&ctx), elem, one);
}

/// The address of field `i` of the NlString at `slot`.
static mlir::Value slotField(mlir::OpBuilder &b, mlir::Location l,
                             mlir::Value slot, int32_t i) {
  return mlir::LLVM::GEPOp::create(b, l, slot.getType(), b.getI64Type(), slot,
                                   llvm::ArrayRef<mlir::LLVM::GEPArg>{i});
}

mlir::Value MLIRGenImpl::stringSlot(llvm::ArrayRef<Leaf> init,
                                    mlir::Location l) {
  mlir::Type i64 = builder.getI64Type();
  mlir::Value slot =
      entryAlloca(mlir::LLVM::LLVMArrayType::get(i64, 3), l);
  Leaves values;
  if (init.empty())
    values = {valueLeaf(mlir::LLVM::ZeroOp::create(
                  builder, l, mlir::LLVM::LLVMPointerType::get(&ctx))),
              valueLeaf(constInt(i64, 0, l)), valueLeaf(constInt(i64, 0, l))};
  else
    values = load(Leaves(init.begin(), init.end()), l);
  for (int32_t i = 0; i < 3; ++i)
    mlir::LLVM::StoreOp::create(builder, l, values[i].value,
                                slotField(builder, l, slot, i));
  return slot;
}

Leaves MLIRGenImpl::loadStringSlot(mlir::Value slot, mlir::Location l) {
  mlir::Type i64 = builder.getI64Type();
  Leaves out;
  for (int32_t i = 0; i < 3; ++i) {
    mlir::Type t = i == 0 ? mlir::Type(mlir::LLVM::LLVMPointerType::get(&ctx))
                          : i64;
    out.push_back(valueLeaf(mlir::LLVM::LoadOp::create(
        builder, l, t, slotField(builder, l, slot, i))));
  }
  return out;
}

MLIRGenImpl::Text MLIRGenImpl::genText(Expr &e) {
  Expr *value = &e;
  if (auto *u = llvm::dyn_cast<UnaryExpr>(&e);
      u && (u->op == UnaryOp::Borrow || u->op == UnaryOp::BorrowMut))
    value = u->operand.get();
  Leaves leaves = load(genExpr(*value), loc(e.range));
  return {leaves[0].value, leaves[1].value};
}

Leaves MLIRGenImpl::copyText(Text text, mlir::Location l) {
  mlir::Value slot = stringSlot({}, l);
  callRuntime("nl_string_push", {slot, text.ptr, text.len}, {}, l);
  return loadStringSlot(slot, l);
}

/// `ptr + offset` bytes.
static mlir::Value byteOffset(mlir::OpBuilder &b, mlir::Location l,
                              mlir::Value ptr, mlir::Value offset) {
  return mlir::LLVM::GEPOp::create(b, l, ptr.getType(), b.getI8Type(), ptr,
                                   llvm::ArrayRef<mlir::LLVM::GEPArg>{offset});
}

/// A part of a `str` is a `str` in the same memory; of a `String`, a copy.
Leaves MLIRGenImpl::subText(const Type *t, Text part, mlir::Location l) {
  if (t->isString())
    return copyText(part, l);
  return {valueLeaf(part.ptr), valueLeaf(part.len)};
}

/// Widens an integer of type `t` to i64 (by its signedness).
static mlir::Value toI64(mlir::OpBuilder &b, mlir::Location l, mlir::Value v,
                         const Type *t) {
  mlir::Type i64 = b.getI64Type();
  if (t->getIntWidth() >= 64)
    return v;
  if (t->isSigned())
    return mlir::arith::ExtSIOp::create(b, l, i64, v);
  return mlir::arith::ExtUIOp::create(b, l, i64, v);
}

void MLIRGenImpl::pushScalar(mlir::Value slot, mlir::Value v, const Type *t,
                             mlir::Location l) {
  if (t->isBool()) {
    v = mlir::arith::ExtUIOp::create(builder, l, builder.getI32Type(), v);
    callRuntime("nl_string_push_bool", {slot, v}, {}, l);
  } else if (t->isInt()) {
    bool u64 = !t->isSigned() && t->getIntWidth() == 64;
    callRuntime(u64 ? "nl_string_push_u64" : "nl_string_push_i64",
                {slot, toI64(builder, l, v, t)}, {}, l);
  } else if (t->getFloatKind() == Type::FloatKind::F64) {
    callRuntime("nl_string_push_f64", {slot, v}, {}, l);
  } else {
    // f16 and bf16 print their exact value as an f32, as `print` does.
    if (t->getFloatKind() != Type::FloatKind::F32)
      v = mlir::arith::ExtFOp::create(builder, l, builder.getF32Type(), v);
    callRuntime("nl_string_push_f32", {slot, v}, {}, l);
  }
}

void MLIRGenImpl::checkPosition(mlir::Value pos, mlir::Value limit,
                                bool mayEqual, const char *message,
                                SourceRange r) {
  mlir::Location l = loc(r);
  CmpIPredicate fail = mayEqual ? CmpIPredicate::ugt : CmpIPredicate::uge;
  genCheck(mlir::arith::CmpIOp::create(builder, l, fail, pos, limit), message,
           r);
}

Leaves MLIRGenImpl::parseResult(CallExpr &e, mlir::Location l) {
  bool isInt = e.builtin == Builtin::ParseI64;
  Text text = genText(*e.orderedArgs[0]);
  mlir::Type vt = isInt ? mlir::Type(builder.getI64Type())
                        : mlir::Type(builder.getF64Type());
  mlir::Value out = entryAlloca(vt, l);
  mlir::Value zero =
      isInt ? constInt(vt, 0, l)
            : mlir::arith::ConstantOp::create(builder, l,
                                              builder.getFloatAttr(vt, 0.0))
                  .getResult();
  mlir::LLVM::StoreOp::create(builder, l, zero, out);
  mlir::Type i32 = builder.getI32Type();
  mlir::Value status = callRuntime(
      isInt ? "nl_string_parse_i64" : "nl_string_parse_f64",
      {text.ptr, text.len, out}, i32, l);
  mlir::Value value = mlir::LLVM::LoadOp::create(builder, l, vt, out);
  // Result<T, ParseError>: the tag (Ok = 0, Err = 1), Ok's value, then
  // Err's ParseError, whose tag is the status less one.
  assert(numLeaves(e.type) == 3 && "Result<T, ParseError> has three leaves");
  mlir::Value zero32 = constInt(i32, 0, l);
  mlir::Value failed = mlir::arith::CmpIOp::create(
      builder, l, CmpIPredicate::ne, status, zero32);
  mlir::Value tag = mlir::arith::ExtUIOp::create(builder, l, i32, failed);
  mlir::Value error = mlir::arith::SelectOp::create(
      builder, l, failed,
      mlir::arith::SubIOp::create(builder, l, status, constInt(i32, 1, l)),
      zero32);
  return {valueLeaf(tag), valueLeaf(value), valueLeaf(error)};
}

void MLIRGenImpl::genStringChange(CallExpr &e, mlir::Location l) {
  mlir::Type i64 = builder.getI64Type();
  // The receiver is a place: read-modify-write its leaves. The argument
  // is read first, so `s.push_str(&s)` appends the old text.
  Leaves target = genExpr(*e.receiver);
  Text text{};
  mlir::Value scalar;
  if (e.builtin == Builtin::StringPushStr)
    text = genText(*e.orderedArgs[0]);
  else if (e.builtin != Builtin::StringClear)
    scalar = genScalar(*e.orderedArgs[0]);
  if (e.builtin == Builtin::StringClear) {
    Leaves v = load(target, l);
    v[1] = valueLeaf(constInt(i64, 0, l));
    store(target, v, l);
    return;
  }
  mlir::Value slot = stringSlot(target, l);
  switch (e.builtin) {
  case Builtin::StringPushStr:
    callRuntime("nl_string_push", {slot, text.ptr, text.len}, {}, l);
    break;
  case Builtin::StringPushByte:
    callRuntime("nl_string_push_byte",
                {slot, toI64(builder, l, scalar, e.orderedArgs[0]->type)}, {},
                l);
    break;
  case Builtin::StringPushChar: {
    // A Unicode scalar value: not a surrogate, at most U+10FFFF.
    mlir::Type i32 = builder.getI32Type();
    mlir::Value surrogate = mlir::arith::CmpIOp::create(
        builder, l, CmpIPredicate::ult,
        mlir::arith::SubIOp::create(builder, l, scalar,
                                    constInt(i32, 0xD800, l)),
        constInt(i32, 0x800, l));
    mlir::Value tooBig = mlir::arith::CmpIOp::create(
        builder, l, CmpIPredicate::ugt, scalar, constInt(i32, 0x10FFFF, l));
    genCheck(mlir::arith::OrIOp::create(builder, l, surrogate, tooBig),
             "invalid char: not a Unicode scalar value",
             e.orderedArgs[0]->range);
    callRuntime("nl_string_push_char",
                {slot, toI64(builder, l, scalar, e.orderedArgs[0]->type)}, {},
                l);
    break;
  }
  default:
    pushScalar(slot, scalar, e.orderedArgs[0]->type, l);
    break;
  }
  store(target, loadStringSlot(slot, l), l);
}

Leaves MLIRGenImpl::genStringBuiltin(CallExpr &e) {
  mlir::Location l = loc(e.range);
  mlir::Type i64 = builder.getI64Type();
  switch (e.builtin) {
  case Builtin::StringNew:
    return loadStringSlot(stringSlot({}, l), l);
  case Builtin::StringFrom:
    return copyText(genText(*e.orderedArgs[0]), l);
  case Builtin::ToString: {
    Expr &arg = *e.orderedArgs[0];
    if (arg.type->isText())
      return copyText(genText(arg), l);
    mlir::Value v = genScalar(arg);
    mlir::Value slot = stringSlot({}, l);
    pushScalar(slot, v, arg.type, l);
    return loadStringSlot(slot, l);
  }
  case Builtin::ParseI64:
  case Builtin::ParseF64:
    return parseResult(e, l);
  default:
    break;
  }
  // Methods.
  const Type *recvType = e.receiver->type;
  if (changesString(e.builtin)) {
    genStringChange(e, l);
    return {};
  }
  Text text = genText(*e.receiver);
  auto boolOf = [&](mlir::Value v) {
    return mlir::arith::CmpIOp::create(builder, l, CmpIPredicate::ne, v,
                                       constInt(i64, 0, l))
        .getResult();
  };
  switch (e.builtin) {
  case Builtin::StrLen:
    return {valueLeaf(text.len)};
  case Builtin::StringClone:
    return copyText(text, l);
  case Builtin::TextSlice: {
    mlir::Value from = genScalar(*e.orderedArgs[0]);
    mlir::Value to = genScalar(*e.orderedArgs[1]);
    // 0 <= from <= to <= len, as unsigned comparisons.
    checkPosition(to, text.len, true,
                  "string slice out of bounds", e.orderedArgs[1]->range);
    checkPosition(from, to, true, "string slice out of bounds",
                  e.orderedArgs[0]->range);
    Text part{byteOffset(builder, l, text.ptr, from),
              mlir::arith::SubIOp::create(builder, l, to, from)};
    return subText(recvType, part, l);
  }
  case Builtin::TextFind:
  case Builtin::TextFindFrom: {
    Text needle = genText(*e.orderedArgs[0]);
    mlir::Value start = constInt(i64, 0, l);
    if (e.builtin == Builtin::TextFindFrom) {
      start = genScalar(*e.orderedArgs[1]);
      checkPosition(start, text.len, true,
                    "string position out of bounds", e.orderedArgs[1]->range);
    }
    return {valueLeaf(callRuntime(
        "nl_string_find", {text.ptr, text.len, needle.ptr, needle.len, start},
        i64, l))};
  }
  case Builtin::TextStartsWith:
  case Builtin::TextEndsWith: {
    Text affix = genText(*e.orderedArgs[0]);
    return {valueLeaf(boolOf(callRuntime(
        e.builtin == Builtin::TextStartsWith ? "nl_string_starts_with"
                                             : "nl_string_ends_with",
        {text.ptr, text.len, affix.ptr, affix.len}, i64, l)))};
  }
  case Builtin::TextTrim: {
    mlir::Value from =
        callRuntime("nl_string_trim_start", {text.ptr, text.len}, i64, l);
    mlir::Value to =
        callRuntime("nl_string_trim_end", {text.ptr, text.len}, i64, l);
    // All whitespace: from is the length and to 0.
    mlir::Value len = mlir::arith::MaxSIOp::create(
        builder, l, mlir::arith::SubIOp::create(builder, l, to, from),
        constInt(i64, 0, l));
    return subText(recvType, {byteOffset(builder, l, text.ptr, from), len}, l);
  }
  case Builtin::TextHash:
    return {valueLeaf(callRuntime("nl_hash_bytes",
                                  {text.ptr, text.len}, i64, l))};
  case Builtin::TextCharCount:
    return {valueLeaf(callRuntime("nl_string_char_count",
                                  {text.ptr, text.len}, i64, l))};
  case Builtin::TextCharAt:
  case Builtin::TextCharLenAt: {
    mlir::Value i = genScalar(*e.orderedArgs[0]);
    checkPosition(i, text.len, false, "string index out of bounds",
                  e.orderedArgs[0]->range);
    bool at = e.builtin == Builtin::TextCharAt;
    mlir::Value r = callRuntime(
        at ? "nl_string_char_at" : "nl_string_char_len_at",
        {text.ptr, text.len, i}, i64, l);
    if (at)
      r = mlir::arith::TruncIOp::create(builder, l, builder.getI32Type(), r);
    return {valueLeaf(r)};
  }
  default:
    break;
  }
  llvm_unreachable("not a string builtin");
}

/// The signed comparison of an order (-1, 0, 1) with 0 that `op` makes.
static CmpIPredicate orderPredicate(BinaryOp op) {
  switch (op) {
  case BinaryOp::Eq:
    return CmpIPredicate::eq;
  case BinaryOp::Ne:
    return CmpIPredicate::ne;
  case BinaryOp::Lt:
    return CmpIPredicate::slt;
  case BinaryOp::Le:
    return CmpIPredicate::sle;
  case BinaryOp::Gt:
    return CmpIPredicate::sgt;
  default:
    return CmpIPredicate::sge;
  }
}

Leaves MLIRGenImpl::genStringBinary(BinaryExpr &e) {
  mlir::Location l = loc(e.range);
  Text a = genText(*e.lhs);
  Text b = genText(*e.rhs);
  Leaves out;
  if (e.op == BinaryOp::Add) {
    mlir::Value slot = stringSlot({}, l);
    callRuntime("nl_string_push", {slot, a.ptr, a.len}, {}, l);
    callRuntime("nl_string_push", {slot, b.ptr, b.len}, {}, l);
    out = loadStringSlot(slot, l);
  } else {
    mlir::Type i64 = builder.getI64Type();
    mlir::Value order = callRuntime("nl_string_compare",
                                    {a.ptr, a.len, b.ptr, b.len}, i64, l);
    // -1, 0 or 1, compared with 0 as the operator compares its operands.
    out = {valueLeaf(mlir::arith::CmpIOp::create(
        builder, l, orderPredicate(e.op), order, constInt(i64, 0, l)))};
  }
  genFreeTemporaries(e.temporaries, l);
  return out;
}

Leaves MLIRGenImpl::genStringIndex(IndexExpr &e) {
  mlir::Location l = loc(e.range);
  Text text = genText(*e.base);
  mlir::Value i = toI64(builder, l, genScalar(*e.index), e.index->type);
  checkPosition(i, text.len, false, "string index out of bounds",
                e.index->range);
  mlir::Value byte = mlir::LLVM::LoadOp::create(
      builder, l, builder.getI8Type(), byteOffset(builder, l, text.ptr, i));
  genFreeTemporaries(e.temporaries, l);
  return {valueLeaf(byte)};
}

void MLIRGenImpl::dropString(llvm::ArrayRef<Leaf> leaves, mlir::Location l) {
  callRuntime("nl_string_free", {leaves[0].value}, {}, l);
}

} // namespace nlc

//===- Builtins.cpp - The registry of builtin functions -------------------===//
//
// The table of Builtins.def and its lookups. Builtins are few, so a linear
// search in registry order is enough and keeps the lookup deterministic.
//
//===----------------------------------------------------------------------===//

#include "frontend/Builtins.h"

#include <cassert>
#include <cstddef>

namespace nlc {

namespace {
/// The entries in enum order: `Builtin::X` is at index `X - 1`.
const BuiltinInfo registry[] = {
#define BUILTIN_FN(ID, NAME, USE, OTHER, MIN, MAX, GEN)                        \
  {Builtin::ID, BuiltinForm::Free, "", NAME, BuiltinReceivers::None,           \
   BuiltinUse::USE, BuiltinOtherForm::OTHER, MIN, MAX, 0, Builtin::None,       \
   BuiltinGen::GEN},
#define BUILTIN_QUALIFIED(ID, QUAL, NAME, USE, MIN, MAX, GEN)                  \
  {Builtin::ID, BuiltinForm::Qualified, QUAL, NAME, BuiltinReceivers::None,    \
   BuiltinUse::USE, BuiltinOtherForm::None, MIN, MAX, 0, Builtin::None,        \
   BuiltinGen::GEN},
#define BUILTIN_METHOD(ID, NAME, RECV, USE, ARGS, PER_RANK, GEN)               \
  {Builtin::ID, BuiltinForm::Method, "", NAME, BuiltinReceivers::RECV,         \
   BuiltinUse::USE, BuiltinOtherForm::None, ARGS, ARGS, PER_RANK,              \
   Builtin::None, BuiltinGen::GEN},
#define BUILTIN_AXIS(ID, FROM, MIN, MAX, GEN)                                  \
  {Builtin::ID, BuiltinForm::Axis, "", "", BuiltinReceivers::None,             \
   BuiltinUse::Kernel, BuiltinOtherForm::None, MIN, MAX, 0, Builtin::FROM,     \
   BuiltinGen::GEN},
#include "frontend/Builtins.def"
};
} // namespace

const BuiltinInfo &getBuiltinInfo(Builtin b) {
  assert(b != Builtin::None && "a user function has no registry entry");
  const BuiltinInfo &info = registry[static_cast<size_t>(b) - 1];
  assert(info.id == b && "registry out of enum order");
  return info;
}

Builtin lookupBuiltinFunction(llvm::StringRef name) {
  for (const BuiltinInfo &info : registry)
    if (info.form == BuiltinForm::Free && name == info.name)
      return info.id;
  return Builtin::None;
}

Builtin lookupQualifiedBuiltin(llvm::StringRef qualifier,
                               llvm::StringRef name) {
  for (const BuiltinInfo &info : registry)
    if (info.form == BuiltinForm::Qualified && qualifier == info.qualifier &&
        name == info.name)
      return info.id;
  return Builtin::None;
}

Builtin lookupBuiltinMethod(llvm::StringRef name, BuiltinReceivers receiver) {
  for (const BuiltinInfo &info : registry)
    if (info.form == BuiltinForm::Method && name == info.name &&
        (static_cast<unsigned>(info.receivers) &
         static_cast<unsigned>(receiver)))
      return info.id;
  return Builtin::None;
}

Builtin getAxisForm(Builtin b) {
  for (const BuiltinInfo &info : registry)
    if (info.form == BuiltinForm::Axis && info.axisOf == b)
      return info.id;
  return Builtin::None;
}

bool changesString(Builtin b) {
  return b == Builtin::StringPushStr || b == Builtin::StringPushByte ||
         b == Builtin::StringPushChar || b == Builtin::StringPushInt ||
         b == Builtin::StringPushFloat || b == Builtin::StringClear;
}

} // namespace nlc

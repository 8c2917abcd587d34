//===- Builtins.h - The registry of builtin functions -----------*- C++ -*-===//
//
// Builtins.def lists every builtin once. This header makes the `Builtin`
// enumeration and a table of facts from it that Sema (lookup by spelling,
// where a call may appear, argument counts) and MLIRGen (which generator
// emits a call) share, so that neither decides by comparing names or by the
// order of enumerators. No MLIR here: the frontend includes it.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_BUILTINS_H
#define NLC_FRONTEND_BUILTINS_H

#include "llvm/ADT/StringRef.h"

namespace nlc {

/// Builtin functions known to Sema. `None` means a user function.
enum class Builtin {
  None,
#define BUILTIN(ID) ID,
#include "frontend/Builtins.def"
};

/// How a call to the builtin is spelled.
enum class BuiltinForm {
  /// `name(args)`.
  Free,
  /// `qualifier::name(args)`.
  Qualified,
  /// `receiver.name(args)`.
  Method,
  /// No spelling of its own: what a call of `axisOf` on a tile and a literal
  /// axis becomes.
  Axis,
};

/// Where a call may appear.
enum class BuiltinUse { Host, Kernel, Anywhere };

/// A second form of a free builtin, picked by its first argument's type.
enum class BuiltinOtherForm {
  None,
  /// A float scalar takes a scalar form, usable anywhere, that the Scalar
  /// generator emits.
  ScalarAnywhere,
  /// In a kernel, a tile takes a tile form that the Tile generator emits.
  TileInKernels,
};

/// The kinds of receiver a method applies to, as a bit set.
enum class BuiltinReceivers : unsigned {
  None = 0,
  Str = 1,
  Tensor = 2,
  View = 4,
  TensorOrView = Tensor | View,
  String = 8,
  /// `str` or `String`.
  Text = Str | String,
  Vec = 16,
};

/// The MLIRGen generator that emits a call.
enum class BuiltinGen {
  /// Host scalars, strings and the process (MLIRGenExpr.cpp).
  Scalar,
  /// Devices and tensors (genTensorBuiltin).
  Tensor,
  /// Tiles inside kernels (genKernelBuiltin).
  Tile,
  /// Files, the environment and the process: `sys::` (MLIRGenSys.cpp).
  Sys,
  /// `String` and the operations on strings (MLIRGenString.cpp).
  String,
  /// `Vec<T>` and `hash` (MLIRGenCollections.cpp).
  Collections,
  /// Floats from bit patterns: `f32::from_bits` (MLIRGenBits.cpp).
  Bits,
};

/// `maxArgs` of a builtin that takes any number of arguments.
constexpr unsigned ManyArgs = ~0u;

/// One entry of Builtins.def.
struct BuiltinInfo {
  Builtin id;
  BuiltinForm form;
  /// `Tensor` of `Tensor::alloc`; empty unless `form` is Qualified.
  const char *qualifier;
  /// The spelling without qualifier or receiver; empty for Axis entries.
  const char *name;
  /// Method entries: the receivers they apply to.
  BuiltinReceivers receivers;
  BuiltinUse use;
  BuiltinOtherForm otherForm;
  /// The number of positional arguments, `minArgs..maxArgs`; a method takes
  /// `minArgs + argsPerRank * rank` of them (rank of its receiver).
  unsigned minArgs, maxArgs, argsPerRank;
  /// Axis entries: the builtin whose tile-and-axis calls become this one.
  Builtin axisOf;
  BuiltinGen gen;
};

/// The registry entry of `b`, which must not be `None`.
const BuiltinInfo &getBuiltinInfo(Builtin b);

/// The builtin spelled `name(...)`, or `None`.
Builtin lookupBuiltinFunction(llvm::StringRef name);
/// The builtin spelled `qualifier::name(...)`, or `None`.
Builtin lookupQualifiedBuiltin(llvm::StringRef qualifier, llvm::StringRef name);
/// The method `name` that applies to a receiver of kind `receiver` (one
/// bit), or `None`.
Builtin lookupBuiltinMethod(llvm::StringRef name, BuiltinReceivers receiver);
/// The builtin that `b(tile, axis)` becomes, or `None` if there is none.
Builtin getAxisForm(Builtin b);
/// Whether string method `b` changes its receiver (`push_str`, `clear`...).
bool changesString(Builtin b);

} // namespace nlc

#endif // NLC_FRONTEND_BUILTINS_H

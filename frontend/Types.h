//===- Types.h - Neuro-Lang semantic types ----------------------*- C++ -*-===//
//
// The types Sema assigns to expressions and declarations. Types are interned
// by TypeContext, so two types are equal exactly when their pointers are.
//
//===----------------------------------------------------------------------===//

#ifndef NLC_FRONTEND_TYPES_H
#define NLC_FRONTEND_TYPES_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace nlc {

struct StructDecl;

class Type {
public:
  enum class Kind {
    Error,
    Void,
    Bool,
    Int,
    Float,
    Str,
    /// `String`: an owned, growable byte string (buffer, length, capacity).
    String,
    Array,
    Struct,
    /// An `enum`: its StructDecl has variants.
    Enum,
    /// `Tile<M, N, T, Layout::L>`: an immutable block inside kernels.
    Tile,
    /// `Tensor<T, R>`: device memory with run-time sizes.
    Tensor,
    /// `View<T, R>`: a strided window of a tensor.
    View,
    /// A device handle (`device::get(i)`).
    Device,
    /// `Vec<T>`: an owned growable array (docs/LangRef.md, section 30).
    Vec,
  };
  enum class Layout { RowMajor, ColMajor };
  enum class FloatKind { F16, BF16, F32, F64 };

  Kind getKind() const { return kind; }
  bool isError() const { return kind == Kind::Error; }
  bool isVoid() const { return kind == Kind::Void; }
  bool isBool() const { return kind == Kind::Bool; }
  bool isInt() const { return kind == Kind::Int; }
  bool isFloat() const { return kind == Kind::Float; }
  bool isNumeric() const { return isInt() || isFloat(); }
  bool isStr() const { return kind == Kind::Str; }
  bool isString() const { return kind == Kind::String; }
  /// Text: a `str` or a `String`, which string operations accept alike.
  bool isText() const { return isStr() || isString(); }
  bool isArray() const { return kind == Kind::Array; }
  bool isStruct() const { return kind == Kind::Struct; }
  bool isEnum() const { return kind == Kind::Enum; }
  bool isTile() const { return kind == Kind::Tile; }
  bool isTensor() const { return kind == Kind::Tensor; }
  bool isView() const { return kind == Kind::View; }
  bool isDevice() const { return kind == Kind::Device; }
  bool isVec() const { return kind == Kind::Vec; }
  /// Scalars are the types a register holds: bool, integers, floats.
  bool isScalar() const { return isBool() || isInt() || isFloat(); }

  unsigned getIntWidth() const { return width; }
  bool isSigned() const { return isSignedInt; }
  FloatKind getFloatKind() const { return floatKind; }
  /// Bit width of an integer or float type.
  unsigned getBitWidth() const;
  const Type *getElementType() const { return element; }
  uint64_t getArraySize() const { return arraySize; }
  StructDecl *getStructDecl() const { return structDecl; }
  /// Tile: dimensions; Tensor and View: the rank is `getRank()`.
  const std::vector<int64_t> &getShape() const { return shape; }
  unsigned getRank() const { return rank; }
  Layout getLayout() const { return layout; }
  /// The types directly inside a struct (fields) or an enum (payloads of
  /// every variant, in order); empty for other types.
  std::vector<const Type *> members() const;
  /// True if this type or any type inside it is an array.
  bool containsArray() const;
  /// True if this type or any type inside it is a Tile, Tensor or View
  /// (values that live in registers or device memory, not in plain storage).
  bool containsBuffer() const;
  /// True for values with one owner, moved and freed by the ownership rules
  /// (docs/LangRef.md, section 24): a Tensor, a Vec, an array of owned
  /// values, and a struct holding an owned value in a field (directly or in
  /// a nested struct). A new kind of owned
  /// value is added here, in MLIRGenImpl::dropLeaves and in LangRef 24.
  bool isOwned() const;
  /// Size in bytes of a value of this type in memory (bool takes a byte).
  uint64_t getStorageSize() const;

  /// The spelling a user writes, e.g. `[i32; 4]` or `Point`.
  std::string str() const;

private:
  friend class TypeContext;
  explicit Type(Kind k) : kind(k) {}
  Kind kind;
  unsigned width = 0;
  bool isSignedInt = false;
  FloatKind floatKind = FloatKind::F32;
  const Type *element = nullptr;
  uint64_t arraySize = 0;
  StructDecl *structDecl = nullptr;
  std::vector<int64_t> shape;
  unsigned rank = 0;
  Layout layout = Layout::RowMajor;
};

/// Creates and owns all types of a compilation.
class TypeContext {
public:
  TypeContext();
  const Type *getError() const { return errorTy; }
  const Type *getVoid() const { return voidTy; }
  const Type *getBool() const { return boolTy; }
  const Type *getStr() const { return strTy; }
  const Type *getString() const { return stringTy; }
  const Type *getInt(unsigned width, bool isSigned);
  const Type *getFloat(Type::FloatKind kind);
  const Type *getArray(const Type *element, uint64_t size);
  /// The type of a struct, or of an enum when `decl->isEnum`.
  const Type *getStruct(StructDecl *decl);
  const Type *getTile(std::vector<int64_t> shape, const Type *element,
                      Type::Layout layout);
  const Type *getTensor(const Type *element, unsigned rank) {
    return getBuffer(Type::Kind::Tensor, element, rank);
  }
  const Type *getView(const Type *element, unsigned rank) {
    return getBuffer(Type::Kind::View, element, rank);
  }
  const Type *getDevice() const { return deviceTy; }
  const Type *getVec(const Type *element);
  /// Looks up a builtin scalar, `str` or `String` by name (`i32`, `f16`...).
  const Type *lookupBuiltin(const std::string &name);

private:
  const Type *make(Type::Kind k);
  const Type *getBuffer(Type::Kind kind, const Type *element, unsigned rank);
  std::vector<std::unique_ptr<Type>> storage;
  const Type *errorTy, *voidTy, *boolTy, *strTy, *stringTy, *deviceTy;
  std::map<std::pair<unsigned, bool>, const Type *> ints;
  std::map<Type::FloatKind, const Type *> floats;
  std::map<std::pair<const Type *, uint64_t>, const Type *> arrays;
  std::map<const Type *, const Type *> vecs;
  std::map<StructDecl *, const Type *> structs;
  std::map<std::tuple<std::vector<int64_t>, const Type *, Type::Layout>,
           const Type *>
      tiles;
  std::map<std::tuple<Type::Kind, const Type *, unsigned>, const Type *>
      buffers;
};

} // namespace nlc

#endif // NLC_FRONTEND_TYPES_H

//===- Types.cpp - Neuro-Lang semantic types ------------------------------===//
//
// Interning and spelling of semantic types.
//
//===----------------------------------------------------------------------===//

#include "frontend/Types.h"
#include "frontend/AST.h"

namespace nlc {

unsigned Type::getBitWidth() const {
  if (isInt())
    return width;
  if (isBool())
    return 1;
  switch (floatKind) {
  case FloatKind::F16:
  case FloatKind::BF16:
    return 16;
  case FloatKind::F32:
    return 32;
  case FloatKind::F64:
    return 64;
  }
  return 0;
}

std::vector<const Type *> Type::members() const {
  std::vector<const Type *> out;
  if (isStruct())
    for (const FieldDecl &f : structDecl->fields)
      out.push_back(f.type);
  if (isEnum())
    for (const VariantDecl &v : structDecl->variants)
      out.insert(out.end(), v.payload.begin(), v.payload.end());
  return out;
}

bool Type::containsArray() const {
  if (isArray())
    return true;
  for (const Type *m : members())
    if (m && m->containsArray())
      return true;
  return false;
}

bool Type::containsBuffer() const {
  if (isTile() || isTensor() || isView())
    return true;
  if (isArray())
    return element->containsBuffer();
  for (const Type *m : members())
    if (m && m->containsBuffer())
      return true;
  return false;
}

bool Type::isOwned() const {
  if (isTensor() || isString() || isVec())
    return true;
  if (isArray())
    return element->isOwned();
  // A struct or an enum holding an owned value owns it.
  if (isStruct() || isEnum())
    for (const Type *m : members())
      if (m && m->isOwned())
        return true;
  return false;
}

uint64_t Type::getStorageSize() const {
  switch (kind) {
  case Kind::Error:
  case Kind::Void:
  case Kind::Tile:
    return 0;
  case Kind::Bool:
    return 1;
  case Kind::Device:
    return 4;
  case Kind::Tensor:
  case Kind::View:
    return 8 + 16 * static_cast<uint64_t>(rank);
  case Kind::Int:
  case Kind::Float:
    return getBitWidth() / 8;
  case Kind::Str:
    return 16;
  case Kind::String:
    // Buffer, length, capacity.
  case Kind::Vec:
    // Its pointers (at least one), length and capacity.
    return 24;
  case Kind::Array: {
    uint64_t e = element->getStorageSize();
    // Saturate instead of overflowing: callers only compare with a limit.
    if (e != 0 && arraySize > UINT64_MAX / e)
      return UINT64_MAX;
    return e * arraySize;
  }
  case Kind::Struct:
  case Kind::Enum: {
    // An enum holds its tag and the payloads of every variant.
    uint64_t total = isEnum() ? 4 : 0;
    for (const Type *m : members()) {
      uint64_t fs = m ? m->getStorageSize() : 0;
      total = fs > UINT64_MAX - total ? UINT64_MAX : total + fs;
    }
    return total;
  }
  }
  return 0;
}

std::string Type::str() const {
  switch (kind) {
  case Kind::Error:
    return "<error>";
  case Kind::Void:
    return "()";
  case Kind::Bool:
    return "bool";
  case Kind::Int:
    return (isSignedInt ? "i" : "u") + std::to_string(width);
  case Kind::Float:
    switch (floatKind) {
    case FloatKind::F16:
      return "f16";
    case FloatKind::BF16:
      return "bf16";
    case FloatKind::F32:
      return "f32";
    case FloatKind::F64:
      return "f64";
    }
    return "f32";
  case Kind::Str:
    return "str";
  case Kind::String:
    return "String";
  case Kind::Array:
    return "[" + element->str() + "; " + std::to_string(arraySize) + "]";
  case Kind::Struct:
  case Kind::Enum:
    return structDecl->name.name;
  case Kind::Tile: {
    std::string out = "Tile<";
    for (int64_t d : shape)
      out += std::to_string(d) + ", ";
    out += element->str();
    if (layout == Layout::ColMajor)
      out += ", Layout::ColMajor";
    return out + ">";
  }
  case Kind::Tensor:
  case Kind::View:
    return std::string(kind == Kind::Tensor ? "Tensor<" : "View<") +
           element->str() + ", " + std::to_string(rank) + ">";
  case Kind::Device:
    return "Device";
  case Kind::Vec:
    return "Vec<" + element->str() + ">";
  }
  return "<error>";
}

TypeContext::TypeContext() {
  errorTy = make(Type::Kind::Error);
  voidTy = make(Type::Kind::Void);
  boolTy = make(Type::Kind::Bool);
  strTy = make(Type::Kind::Str);
  stringTy = make(Type::Kind::String);
  deviceTy = make(Type::Kind::Device);
}

const Type *TypeContext::make(Type::Kind k) {
  storage.push_back(std::unique_ptr<Type>(new Type(k)));
  return storage.back().get();
}

const Type *TypeContext::getInt(unsigned width, bool isSigned) {
  const Type *&t = ints[{width, isSigned}];
  if (!t) {
    auto *n = const_cast<Type *>(make(Type::Kind::Int));
    n->width = width;
    n->isSignedInt = isSigned;
    t = n;
  }
  return t;
}

const Type *TypeContext::getFloat(Type::FloatKind kind) {
  const Type *&t = floats[kind];
  if (!t) {
    auto *n = const_cast<Type *>(make(Type::Kind::Float));
    n->floatKind = kind;
    t = n;
  }
  return t;
}

const Type *TypeContext::getArray(const Type *element, uint64_t size) {
  const Type *&t = arrays[{element, size}];
  if (!t) {
    auto *n = const_cast<Type *>(make(Type::Kind::Array));
    n->element = element;
    n->arraySize = size;
    t = n;
  }
  return t;
}

const Type *TypeContext::getVec(const Type *element) {
  const Type *&t = vecs[element];
  if (!t) {
    auto *n = const_cast<Type *>(make(Type::Kind::Vec));
    n->element = element;
    t = n;
  }
  return t;
}

const Type *TypeContext::getStruct(StructDecl *decl) {
  const Type *&t = structs[decl];
  if (!t) {
    auto *n = const_cast<Type *>(make(decl->isEnum ? Type::Kind::Enum : Type::Kind::Struct));
    n->structDecl = decl;
    t = n;
  }
  return t;
}

const Type *TypeContext::getTile(std::vector<int64_t> shape,
                                 const Type *element, Type::Layout layout) {
  const Type *&t = tiles[{shape, element, layout}];
  if (!t) {
    auto *n = const_cast<Type *>(make(Type::Kind::Tile));
    n->shape = std::move(shape);
    n->element = element;
    n->layout = layout;
    t = n;
  }
  return t;
}

const Type *TypeContext::getBuffer(Type::Kind kind, const Type *element,
                                   unsigned rank) {
  const Type *&t = buffers[{kind, element, rank}];
  if (!t) {
    auto *n = const_cast<Type *>(make(kind));
    n->element = element;
    n->rank = rank;
    t = n;
  }
  return t;
}

const Type *TypeContext::lookupBuiltin(const std::string &name) {
  if (name == "bool")
    return boolTy;
  if (name == "str")
    return strTy;
  if (name == "String")
    return stringTy;
  if (name == "f16")
    return getFloat(Type::FloatKind::F16);
  if (name == "bf16")
    return getFloat(Type::FloatKind::BF16);
  if (name == "f32")
    return getFloat(Type::FloatKind::F32);
  if (name == "f64")
    return getFloat(Type::FloatKind::F64);
  if (name.size() >= 2 && (name[0] == 'i' || name[0] == 'u')) {
    std::string bits = name.substr(1);
    if (bits == "8" || bits == "16" || bits == "32" || bits == "64")
      return getInt(std::stoi(bits), name[0] == 'i');
  }
  return nullptr;
}

} // namespace nlc

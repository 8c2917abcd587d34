//===- NVPTXPasses.h - NVIDIA backend passes --------------------*- C++ -*-===//

#ifndef NLC_LOWERING_TARGET_NVPTX_NVPTXPASSES_H
#define NLC_LOWERING_TARGET_NVPTX_NVPTXPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace nlc {
struct TargetInfo;
}

namespace nlc::nvptx {

#define GEN_PASS_DECL
#include "lowering/Target/NVPTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lowering/Target/NVPTX/Passes.h.inc"

/// The name of the one gpu.module convert-tile-launch-to-gpu creates.
inline constexpr llvm::StringLiteral kKernelModuleName = "nl_kernels";
/// On a gpu.launch_func (nlc-gpu-distribute-tiles): for each memref operand
/// in order, whether the kernel may write it. The runtime copies back only
/// the host memory of views a kernel may write. Without it, every view.
inline constexpr llvm::StringLiteral kWrittenViewsAttr = "nlc.written_views";
/// On a kernel (nlc-gpu-distribute-tiles, TMA): an array of the tensor maps
/// it takes, each [argument, view argument, box rows, box columns,
/// CUtensorMapDataType, element bytes, CUtensorMapSwizzle] (a
/// DenseI64ArrayAttr): the argument
/// is a CUtensorMap passed by value (128 bytes), of the view argument's
/// memory, that the runtime makes at each launch. They are the kernel's
/// last arguments, in order.
inline constexpr llvm::StringLiteral kTensorMapsAttr = "nlc.tensor_maps";
/// A unit attribute of the module (nlc --gpu-tma=false):
/// nlc-gpu-distribute-tiles loads no tile with TMA.
inline constexpr llvm::StringLiteral kNoTmaAttr = "nlc.no_tma";
/// A unit attribute of the module (nlc --gpu-swizzle=false):
/// nlc-gpu-distribute-tiles's TMA boxes are 16 bytes wide, unswizzled.
inline constexpr llvm::StringLiteral kNoSwizzleAttr = "nlc.no_swizzle";
/// A unit attribute of the module (nlc --gpu-emulation): nlc-gpu-emulate-
/// kernels also compiles each kernel for the host, as `nl_emu.NAME`.
inline constexpr llvm::StringLiteral kGpuEmulationAttr = "nlc.gpu_emulation";
/// A string attribute of the module (nlc, where it finds ptxas and
/// --gpu-cubin is on): the ptxas that nlc-gpu-launches-to-runtime runs on
/// each gpu.module's PTX, to embed the cubin next to it.
inline constexpr llvm::StringLiteral kPtxasAttr = "nlc.ptxas";

/// The address (an index) of element `indices` of `memref`: its aligned
/// pointer plus its offset and the indices times its strides, in bytes.
mlir::Value elementAddress(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value memref, mlir::ValueRange indices);

/// "file:line:col" of the first file location in `loc` (for messages the
/// program prints), else "?".
std::string sourcePosition(mlir::Location loc);

/// Registers what the GPU-to-NVVM conversion asks of the dialects it meets
/// (their conversion to the LLVM dialect), for drivers that do not register
/// every extension as nlc-opt does.
void registerDeviceLoweringInterfaces(mlir::DialectRegistry &registry);

/// PTX for `kernels`, a gpu.module lowered to the LLVM and NVVM dialects,
/// for the chip and features of `target` (an NVPTX TargetInfo), through
/// LLVM's NVPTX backend at `optLevel`. Calls of libdevice functions
/// (`__nv_*`, what MLIR makes of math ops nlc does not expand itself) are
/// linked from the CUDA toolkit's libdevice when it is installed. On
/// failure returns false with `error` set.
bool emitPTX(mlir::gpu::GPUModuleOp kernels, const TargetInfo &target,
             unsigned optLevel, std::string &ptx, std::string &error);

} // namespace nlc::nvptx

#endif // NLC_LOWERING_TARGET_NVPTX_NVPTXPASSES_H

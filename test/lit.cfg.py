# lit configuration for nlc's regression suite.
#
# Hardware-dependent tests declare `REQUIRES:` on the features detected
# here; where the hardware or tool is missing they report UNSUPPORTED.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "nlc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".nl", ".mlir", ".c", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.nlc_obj_root, "test")

# A hung test fails after 5 minutes instead of stalling the run (needs
# python3-psutil, which scripts/setup.sh installs).
try:
    import psutil  # noqa: F401
    lit_config.maxIndividualTestTime = 300
except ImportError:
    lit_config.note("python3-psutil missing: no per-test timeout")

llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.nlc_tools_dir, append_path=True)

# In a sanitizer build (NLC_SANITIZE) every report must fail its test. By
# default a sanitizer exits with status 1, which `not %nlc` would accept as
# an expected failure: make them abort instead, which `not` rejects.
# allow_user_poisoning=0: LLVM's BumpPtrAllocator, inlined into nlc's
# instrumented code, poisons free slab space that the uninstrumented MLIR
# library then allocates from without unpoisoning (a false use-after-poison
# in the context's type uniquer; see docs/Testing.md).
if config.nlc_sanitize:
    config.available_features.add("asan")
    for var, opts in (("ASAN_OPTIONS",
                       "abort_on_error=1:detect_leaks=1:allow_user_poisoning=0"),
                      ("UBSAN_OPTIONS",
                       "abort_on_error=1:halt_on_error=1:print_stacktrace=1")):
        user = os.environ.get(var)
        config.environment[var] = opts + (":" + user if user else "")

# Longer names first: lit substitutes in order, and %nlc is a prefix.
config.substitutions.append(("%nlc_obj_root", config.nlc_obj_root))
config.substitutions.append(("%nlc_src_root", config.nlc_src_root))
config.substitutions.append(("%nlc-opt", os.path.join(config.nlc_tools_dir, "nlc-opt")))
# The tests check the IR after every pass of nlc's MLIR pipeline, which
# the compiler itself does only after MLIRGen and at the pipeline's end.
# %nlc_bin is the executable alone, for scripts that take its path (they
# pass --verify-each themselves where they can).
config.substitutions.append(("%nlc_bin", os.path.join(config.nlc_tools_dir, "nlc")))
config.substitutions.append(("%nlc", os.path.join(config.nlc_tools_dir, "nlc") + " --verify-each"))
config.substitutions.append(("%clang", config.nlc_clang))
config.substitutions.append(("%nlrt_include", os.path.join(config.nlc_src_root, "runtime")))
config.substitutions.append(("%nlrt_lib", os.path.join(config.nlc_lib_dir, "libnlrt.a")))
config.substitutions.append(("%stdlib", os.path.join(config.nlc_src_root, "stdlib")))
config.substitutions.append(("%python", "python3"))
# Bare-metal images from C (test/BareMetal): compile freestanding for the
# unikernel, link with the boot stub, libnlrt_bare.a and its linker script,
# boot the way `nlc --run --target=x86_64-bare` does.
config.substitutions.append(("%bare_cc",
    config.nlc_clang + " --target=x86_64-unknown-none-elf -march=x86-64-v3"
    " -mno-red-zone -ffreestanding -fno-builtin -fno-pic -fno-stack-protector"
    " -I " + os.path.join(config.nlc_src_root, "runtime")))
config.substitutions.append(("%bare_ld",
    config.nlc_lld + " -T " + os.path.join(config.nlc_lib_dir, "nlrt_bare.ld")
    + " --gc-sections -static -nostdlib "
    + os.path.join(config.nlc_lib_dir, "nlrt_bare_boot.o")))
config.substitutions.append(("%nlrt_bare_lib",
    os.path.join(config.nlc_lib_dir, "libnlrt_bare.a")))
config.substitutions.append(("%qemu",
    "timeout -k 5 60 qemu-system-x86_64 -nodefaults -accel tcg -cpu max"
    " -m 256M -display none -no-reboot -serial stdio -monitor none"
    " -device isa-debug-exit,iobase=0xf4,iosize=0x04"))
config.substitutions.append(("%mlir_runner", os.path.join(config.llvm_tools_dir, "mlir-runner")))
config.substitutions.append(("%mlir_c_runner_utils",
    os.path.join(os.path.dirname(config.llvm_tools_dir), "lib", "libmlir_c_runner_utils.so")))

# CPU features, read from /proc/cpuinfo (the kernel only lists what it
# enabled, which is what user code may use).
flags = set()
try:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
except OSError:
    pass
# host-avx512: what AVX-512 kernels assume (Skylake-X and later, Zen 4 and
# later); host-avx512bf16, host-avx512vnni and host-amx for the bf16, i8
# and AMX paths.
# host-avx2: the AVX2 + FMA kernels (x86-64-v3: Haswell, Zen 1 and later).
if {"avx2", "fma"} <= flags:
    config.available_features.add("host-avx2")
if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags:
    config.available_features.add("host-avx512")
if "avx512_bf16" in flags:
    config.available_features.add("host-avx512bf16")
if "avx512_vnni" in flags:
    config.available_features.add("host-avx512vnni")
if {"amx_tile", "amx_bf16"} <= flags:
    config.available_features.add("host-amx")
# Features some CPUs lack, for the runtime's startup check: a program built
# for them must stop with a message here. avx512vp2intersect is on Tiger
# Lake and Zen 5 only; amx-fp16 on Granite Rapids and later only.
if flags and "avx512_vp2intersect" not in flags:
    config.available_features.add("host-lacks-avx512vp2intersect")
if flags and "amx_fp16" not in flags:
    config.available_features.add("host-lacks-amx-fp16")
# two-cpus: the process may run on two CPUs or more (grid threads pinned).
if hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2:
    config.available_features.add("two-cpus")
if shutil.which("valgrind"):
    config.available_features.add("valgrind")
if shutil.which("qemu-system-x86_64"):
    config.available_features.add("qemu")
# numpy (Debian's python3-numpy, which scripts/setup.sh installs) for the
# tests that write GGUF files (scripts/gguf_writer.py): the first Python
# that has it is %python_numpy; without one those tests are UNSUPPORTED.
for python in ["python3", "/usr/bin/python3"]:
    try:
        if subprocess.run([python, "-c", "import numpy"], capture_output=True,
                          timeout=60).returncode == 0:
            config.available_features.add("numpy")
            config.substitutions.insert(0, ("%python_numpy", python))
            break
    except (OSError, subprocess.TimeoutExpired):
        pass
if shutil.which("nvidia-smi"):
    try:
        if subprocess.run(["nvidia-smi", "-L"], capture_output=True,
                          timeout=20).returncode == 0:
            config.available_features.add("cuda-gpu")
    except (OSError, subprocess.TimeoutExpired):
        pass
if os.path.exists("/usr/local/cuda/bin/ptxas"):
    config.available_features.add("cuda-toolkit")
    config.substitutions.append(("%ptxas", "/usr/local/cuda/bin/ptxas"))
# cuda-driver: a CUDA driver library (libcuda.so.1) loads, as the runtime
# loads it for GPU launches (tested in a child process, so that lit itself
# never holds the driver). cuda-stub: the toolkit's stub driver, which loads
# but fails every call, is %cuda_stub.
try:
    if subprocess.run(["python3", "-c",
                       "import ctypes; ctypes.CDLL('libcuda.so.1')"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("cuda-driver")
except (OSError, subprocess.TimeoutExpired):
    pass
cuda_stub = "/usr/local/cuda/lib64/stubs/libcuda.so"
if os.path.exists(cuda_stub):
    config.available_features.add("cuda-stub")
    config.substitutions.append(("%cuda_stub", cuda_stub))

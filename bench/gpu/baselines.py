"""The libraries nlc's GPU kernels are measured against, on the machine at
hand: cuBLAS bf16 matmul (through torch.matmul), row softmax and layernorm
(PyTorch and a Triton kernel of one row per program, written here in the
style of Triton's tutorials), attention (PyTorch's fused
scaled_dot_product_attention), the device-to-device copy bandwidth, and
the empty-kernel launch in PyTorch. Times are triton.testing.do_bench's
medians (ms); every Triton result is compared with PyTorch's first.

    python3 baselines.py      prints one line per case
"""
import torch
import triton
import triton.language as tl
from triton.testing import do_bench


@triton.jit
def softmax_rows(x_ptr, y_ptr, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(x_ptr + row * n_cols + cols, mask=mask, other=-float("inf"))
    e = tl.exp(x - tl.max(x, axis=0))
    tl.store(y_ptr + row * n_cols + cols, e / tl.sum(e, axis=0), mask=mask)


@triton.jit
def layernorm_rows(x_ptr, g_ptr, b_ptr, y_ptr, n_cols, eps, BLOCK: tl.constexpr):
    # One row per program, in chunks of BLOCK columns (three passes: mean,
    # variance, result), as Triton's layernorm tutorial does for long rows.
    row = tl.program_id(0)
    x_row = x_ptr + row * n_cols
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for off in range(0, n_cols, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        acc += tl.load(x_row + cols, mask=cols < n_cols, other=0.0)
    mean = tl.sum(acc, axis=0) / n_cols
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for off in range(0, n_cols, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        x = tl.load(x_row + cols, mask=cols < n_cols, other=0.0)
        d = tl.where(cols < n_cols, x - mean, 0.0)
        acc += d * d
    rstd = 1.0 / tl.sqrt(tl.sum(acc, axis=0) / n_cols + eps)
    for off in range(0, n_cols, BLOCK):
        cols = off + tl.arange(0, BLOCK)
        mask = cols < n_cols
        x = tl.load(x_row + cols, mask=mask, other=0.0)
        g = tl.load(g_ptr + cols, mask=mask)
        b = tl.load(b_ptr + cols, mask=mask)
        tl.store(y_ptr + row * n_cols + cols, (x - mean) * rstd * g + b, mask=mask)


def line(case, ms, work, unit, scale):
    """One case: do_bench's median `ms`, `work` (bytes or FLOP) per call."""
    print(f"{case}: {ms * 1e3:.1f} us, {work / (ms * 1e-3) / scale:.1f} {unit}", flush=True)


def main():
    torch.manual_seed(0)
    dev = torch.device("cuda")
    p = torch.cuda.get_device_properties(0)
    print(f"device: {p.name}, {p.multi_processor_count} SMs, torch {torch.__version__}, "
          f"triton {triton.__version__}", flush=True)
    n = 1 << 28
    a = torch.empty(n, dtype=torch.float32, device=dev)
    b = torch.empty_like(a)
    line("copy 1 GiB device to device", do_bench(lambda: b.copy_(a)), 8 * n, "GB/s (read+write)", 1e9)
    del a, b
    for m, nn, k in [(8192, 8192, 8192), (4096, 4096, 4096), (4096, 4096, 128),
                     (1, 4096, 4096), (1024, 1024, 1024)]:
        x = torch.randn(m, k, dtype=torch.bfloat16, device=dev)
        w = torch.randn(k, nn, dtype=torch.bfloat16, device=dev)
        line(f"cuBLAS bf16 matmul {m}x{nn}x{k}", do_bench(lambda: x @ w), 2 * m * nn * k, "TFLOP/s", 1e12)
    rows = 4096
    for cols in [1024, 4096, 16384, 32768]:
        x = torch.randn(rows, cols, device=dev)
        y = torch.empty_like(x)
        block = triton.next_power_of_2(cols)
        softmax_rows[(rows,)](x, y, cols, BLOCK=block)
        assert torch.allclose(y, torch.softmax(x, 1), atol=1e-6, rtol=1e-5)
        line(f"torch softmax {rows}x{cols}", do_bench(lambda: torch.softmax(x, 1)), 8 * rows * cols, "GB/s", 1e9)
        line(f"triton softmax {rows}x{cols}",
             do_bench(lambda: softmax_rows[(rows,)](x, y, cols, BLOCK=block)), 8 * rows * cols, "GB/s", 1e9)
        g = torch.randn(cols, device=dev)
        bb = torch.randn(cols, device=dev)
        ln = lambda: torch.nn.functional.layer_norm(x, (cols,), g, bb, 1e-5)
        lblock = min(block, 4096)
        layernorm_rows[(rows,)](x, g, bb, y, cols, 1e-5, BLOCK=lblock)
        assert torch.allclose(y, ln(), atol=1e-4, rtol=1e-4)
        line(f"torch layernorm {rows}x{cols}", do_bench(ln), 8 * rows * cols, "GB/s", 1e9)
        line(f"triton layernorm {rows}x{cols}",
             do_bench(lambda: layernorm_rows[(rows,)](x, g, bb, y, cols, 1e-5, BLOCK=lblock)),
             8 * rows * cols, "GB/s", 1e9)
    for batch, heads, seq, d in [(4, 32, 4096, 128), (1, 32, 1024, 64)]:
        q, k_, v = (torch.randn(batch, heads, seq, d, dtype=torch.bfloat16, device=dev) for _ in range(3))
        f = lambda: torch.nn.functional.scaled_dot_product_attention(q, k_, v, is_causal=False)
        line(f"torch sdpa bf16 b{batch} h{heads} s{seq} d{d}", do_bench(f),
             4 * batch * heads * seq * seq * d, "TFLOP/s", 1e12)
    import time

    def wall(fn, reps=3):
        """The best wall time of `fn` in ms, synchronized."""
        best = 1e30
        for _ in range(reps + 1):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            best = min(best, time.perf_counter() - t0)
        return best * 1e3
    n = 1 << 26
    host = torch.rand(n)
    pinned = host.pin_memory()
    on_gpu = host.to(dev)
    line("torch to(cuda) 256 MiB pageable", wall(lambda: host.to(dev)), 4 * n, "GB/s", 1e9)
    line("torch to(cuda) 256 MiB pinned", wall(lambda: pinned.to(dev)), 4 * n, "GB/s", 1e9)
    line("torch to(cpu) 256 MiB pageable", wall(lambda: on_gpu.to("cpu")), 4 * n, "GB/s", 1e9)
    del host, pinned, on_gpu
    x = torch.zeros(1, device=dev)
    torch.cuda.synchronize()
    best = 1e30
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(2000):
            x.add_(1)
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - t0) / 2000)
    print(f"torch one-element add + synchronize: {best * 1e6:.1f} us", flush=True)


if __name__ == "__main__":
    main()

"""Check the footprint meter's NVML reader on a real NVIDIA GPU (runs in about a minute).

    python3 benchmarks/gpu_check.py            # on the GPU machine, from the repository root

Needs: an NVIDIA driver, nvidia-ml-py (``pynvml``), and torch or cupy for the GPU work; plus what
the engine imports (numpy, pandas, scikit-learn, psutil). greenrec need not be installed: the
checkout is put on ``sys.path`` and ``data/`` is registered as ``greenrec_data``.

It measures, with the meter and independently:
1. an idle period before this process touches the GPU (the meter should charge no GPU energy);
2. an idle period with a CUDA context open (device used; idle power subtracted, so ~0 J);
3. a busy period of bf16 matrix products, measured at once by the meter on NVML's total energy
   counter, by the meter forced onto power sampling, by the raw counter read here, by this
   script's own 50 ms power samples, and by ``nvidia-smi`` polled every 200 ms.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if importlib.util.find_spec("greenrec_data") is None:
    spec = importlib.util.spec_from_file_location(
        "greenrec_data",
        ROOT / "data" / "__init__.py",
        submodule_search_locations=[str(ROOT / "data")],
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["greenrec_data"] = module
    spec.loader.exec_module(module)

import pynvml  # noqa: E402

from recommender.footprint import measure  # noqa: E402

BUSY_SECONDS = float(os.environ.get("GPU_CHECK_BUSY_SECONDS", "20"))
IDLE_SECONDS = float(os.environ.get("GPU_CHECK_IDLE_SECONDS", "5"))
REGION = "US"


class NoEnergyCounter:
    """pynvml as seen by a pre-Volta GPU: the total energy counter is refused."""

    def __init__(self, real: object) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: object) -> int:
        raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)


def show(label: str, fp) -> None:
    gpu = fp.details.get("gpu", {})
    print(
        f"\n[{label}] wall {fp.details['wall_seconds']:.2f} s, "
        f"CPU {fp.details['cpu_seconds']:.2f} s"
    )
    print(
        f"  GPU energy charged (J): {gpu.get('energy_j')}, idle not charged (J): "
        f"{gpu.get('idle_j_not_charged')}, shared with pids {gpu.get('shared_with_pids')}"
    )
    print(
        f"  total {fp.energy_kwh * 3.6e6:.1f} J ({fp.energy_kwh_low * 3.6e6:.1f}-"
        f"{fp.energy_kwh_high * 3.6e6:.1f}), {fp.kg_co2e * 1e3:.4f} g CO2e, embodied "
        f"{fp.embodied_kg_co2e * 1e3:.4f} g; source {fp.details['power_source']}"
    )
    print(f"  method: {fp.method[:400]}")


class PowerSampler(threading.Thread):
    def __init__(self, handle: object, every_s: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.handle, self.every_s = handle, every_s
        self.samples: list[tuple[float, float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            watts = pynvml.nvmlDeviceGetPowerUsage(self.handle) / 1000.0
            self.samples.append((time.perf_counter(), watts))
            time.sleep(self.every_s)

    def joules(self) -> float:
        pts = self.samples
        return sum(0.5 * (a[1] + b[1]) * (b[0] - a[0]) for a, b in zip(pts, pts[1:], strict=False))


def gpu_work(seconds: float):
    try:
        import torch

        if not torch.cuda.is_available():
            raise ImportError("torch without CUDA")
        a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
        b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)

        def busy() -> int:
            n, end = 0, time.perf_counter() + seconds
            while time.perf_counter() < end:
                for _ in range(20):
                    a @ b
                torch.cuda.synchronize()
                n += 20
            return n

        return "torch", busy
    except ImportError:
        import cupy

        a = cupy.random.random((8192, 8192), dtype=cupy.float32)

        def busy() -> int:
            n, end = 0, time.perf_counter() + seconds
            while time.perf_counter() < end:
                for _ in range(5):
                    a @ a
                cupy.cuda.Device().synchronize()
                n += 5
            return n

        return "cupy", busy


def main() -> None:
    pynvml.nvmlInit()
    handle = pynvml.nvmlDeviceGetHandleByIndex(0)
    name = pynvml.nvmlDeviceGetName(handle)
    print(
        f"pid {os.getpid()}; {pynvml.nvmlDeviceGetCount()} device(s); device 0 {name}; driver "
        f"{pynvml.nvmlSystemGetDriverVersion()}; nvidia-ml-py {getattr(pynvml, '__version__', '?')}"
    )
    try:
        print(
            "total energy counter supported: "
            f"{pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)} mJ"
        )
    except pynvml.NVMLError as exc:
        print(f"total energy counter NOT supported: {exc}")

    with measure("idle, no CUDA context", region=REGION) as m:
        time.sleep(IDLE_SECONDS)
    show("1 idle, GPU untouched (expect no GPU charged)", m.footprint)

    library, busy = gpu_work(BUSY_SECONDS)
    busy_short = gpu_work(1.0)[1]
    busy_short()  # warm up kernels; the CUDA context now exists
    time.sleep(2.0)  # let the device settle back to idle
    procs = pynvml.nvmlDeviceGetComputeRunningProcesses(handle)
    print(f"\nGPU work through {library}; NVML lists pids {[p.pid for p in procs]} on device 0")
    with measure("idle, CUDA context open", region=REGION) as m:
        time.sleep(IDLE_SECONDS)
    show("2 idle, context open (expect ~0 J charged: idle subtracted)", m.footprint)

    smi = None
    if shutil.which("nvidia-smi"):
        smi = subprocess.Popen(
            [
                "nvidia-smi",
                "--query-gpu=timestamp,power.draw,utilization.gpu,clocks.sm",
                "--format=csv,noheader,nounits",
                "-i",
                "0",
                "-lms",
                "200",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
    sampler = PowerSampler(handle)
    sampler.start()
    raw0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(handle)
    t0 = time.perf_counter()
    with (
        measure("busy, counter", region=REGION) as counter,
        measure("busy, sampled", region=REGION, nvml=NoEnergyCounter(pynvml)) as sampled,
    ):
        products = busy()
    seconds = time.perf_counter() - t0
    raw = (pynvml.nvmlDeviceGetTotalEnergyConsumption(handle) - raw0) / 1000.0
    sampler.done.set()
    sampler.join()
    smi_watts: list[float] = []
    if smi is not None:
        smi.terminate()
        out, _ = smi.communicate(timeout=10)
        for line in out.splitlines():
            parts = [p.strip() for p in line.split(",")]
            try:
                smi_watts.append(float(parts[1]))
            except (IndexError, ValueError):
                continue
    show("3a busy, meter on the energy counter", counter.footprint)
    show("3b busy, meter forced onto power sampling", sampled.footprint)
    mean_w = sum(w for _, w in sampler.samples) / max(len(sampler.samples), 1)
    print(f"\n== busy period: {products} products in {seconds:.2f} s ==")
    print(f"raw NVML counter delta          {raw:10.1f} J")
    print(f"this script's 50 ms power samples {sampler.joules():8.1f} J (mean {mean_w:.1f} W)")
    if smi_watts:
        smi_mean = sum(smi_watts) / len(smi_watts)
        print(
            f"nvidia-smi power.draw x time    {smi_mean * seconds:10.1f} J (mean {smi_mean:.1f} W, "
            f"{len(smi_watts)} readings)"
        )
    else:
        print("nvidia-smi: not found or no readings")
    for label, fp in (("counter", counter.footprint), ("sampled", sampled.footprint)):
        gpu = fp.details.get("gpu", {})
        charged = sum(gpu.get("energy_j", {}).values())
        idle = sum(gpu.get("idle_j_not_charged", {}).values())
        print(
            f"meter ({label}) GPU charged {charged:10.1f} J + idle not charged {idle:.1f} J "
            f"= {charged + idle:.1f} J"
        )


if __name__ == "__main__":
    main()

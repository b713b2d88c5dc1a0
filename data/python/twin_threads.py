"""Twin of `parlab run threads`: CPU-bound, I/O-bound or mixed threads.

task=cpu: each thread counts down work_ms worth of steps (calibrated here);
task=io: each sleeps work_ms in 1 ms sleeps; task=mix: threads-1 CPU
threads and one that sleeps 1 ms again and again, timing how late it
wakes.  The same work one after another gives sequential_ms.
interval_us sets sys.setswitchinterval; gil=old is CPython 2's and cannot
be had here (the new GIL runs); gil=none needs a free-threaded build.
"""
import sys
import threading
import time

import twin

p = twin.params({"threads": 2, "task": "cpu", "work_ms": 1000, "gil": "new",
                 "interval_us": 5000, "check": 100})
sys.setswitchinterval(p["interval_us"] / 1e6)
ms = p["work_ms"] * p["scale"]
rate = twin.calibrate()
lat = []
stop = False


def cpu():
    twin.countdown(int(ms * rate))


def io():
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        time.sleep(0.001)


def spin():
    while not stop:
        twin.countdown(1000)


def sleeper():
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        time.sleep(0.001)
        lat.append((time.perf_counter() - t0) * 1000)


if p["task"] == "mix":
    fns = [spin] * (p["threads"] - 1) + [sleeper]
    seq = 0.0
else:
    fns = [cpu if p["task"] == "cpu" else io] * p["threads"]
    t0 = time.perf_counter()
    for f in fns:
        f()
    seq = (time.perf_counter() - t0) * 1000
threads = [threading.Thread(target=f) for f in fns]
t0 = time.perf_counter()
for t in threads:
    t.start()
if p["task"] == "mix":
    threads[-1].join()
    stop = True
for t in threads:
    t.join()
wall = (time.perf_counter() - t0) * 1000
fig = {"wall_ms": wall}
if p["task"] == "mix":
    fig.update({"io_waits": len(lat), "io_latency_p50_ms": twin.median(lat),
                "io_latency_p99_ms": twin.pct(lat, 0.99)})
else:
    fig.update({"sequential_ms": seq, "speedup": seq / wall})
twin.emit(fig, ["threads", "task", "work_ms", "interval_us", "scale"])

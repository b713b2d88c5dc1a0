"""Start + join of one Process, with fork and with spawn (JSON, ms medians)."""
import json
import multiprocessing as mp
import time


def nothing():
    pass


def median_start(method, n=5):
    ctx = mp.get_context(method)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        p = ctx.Process(target=nothing)
        p.start()
        p.join()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


if __name__ == "__main__":
    print(json.dumps({"fork_ms": median_start("fork"),
                      "spawn_ms": median_start("spawn")}))

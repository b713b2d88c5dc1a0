"""The same countdown twice: sequentially, then on Pool(2) with fork (JSON)."""
import json
import multiprocessing as mp
import sys
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000


def countdown(k):
    while k > 0:
        k -= 1
    return 0


if __name__ == "__main__":
    t0 = time.perf_counter()
    countdown(n)
    countdown(n)
    seq = time.perf_counter() - t0
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(2) as pool:
        pool.map(countdown, [n, n])
    par = time.perf_counter() - t0
    print(json.dumps({"sequential_ms": seq * 1000, "wall_ms": par * 1000,
                      "speedup": seq / par}))

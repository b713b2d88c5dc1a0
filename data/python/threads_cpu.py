"""A CPU-bound countdown twice: sequentially, then on 2 threads (JSON).

usage: threads_cpu.py [n]
"""
import json
import sys
import threading
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000


def countdown(k):
    while k > 0:
        k -= 1


t0 = time.perf_counter()
countdown(n)
countdown(n)
seq = time.perf_counter() - t0
threads = [threading.Thread(target=countdown, args=(n,)) for _ in range(2)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
par = time.perf_counter() - t0
print(json.dumps({"sequential_ms": seq * 1000, "wall_ms": par * 1000,
                  "speedup": seq / par}))

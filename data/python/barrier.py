"""threading.Event and threading.Barrier: 4 threads released by one set()
(first and spread of the resumes), then 3 barrier phases whose slowest
share is 100 ms (JSON)."""
import json
import threading
import time

N, PHASES, WORK = 4, 3, 0.1
start, barrier = threading.Event(), threading.Barrier(N)
resumed = [0.0] * N


def waiter(i):
    start.wait()
    resumed[i] = time.perf_counter()


def rounds(i):
    for p in range(PHASES):
        time.sleep(WORK * (1 + (i + p) % N) / N)
        barrier.wait()


ts = [threading.Thread(target=waiter, args=(i,)) for i in range(N)]
for t in ts:
    t.start()
time.sleep(WORK)
set_at = time.perf_counter()
start.set()
for t in ts:
    t.join()
ts = [threading.Thread(target=rounds, args=(i,)) for i in range(N)]
t0 = time.perf_counter()
for t in ts:
    t.start()
for t in ts:
    t.join()
print(json.dumps({
    "release_first_ms": (min(resumed) - set_at) * 1000,
    "release_spread_ms": (max(resumed) - min(resumed)) * 1000,
    "wall_ms": (time.perf_counter() - t0) * 1000}))

"""10 threads add 1 to a global counter; prints what was lost (JSON).

usage: race.py [plain|call|lock] [iters]
"""
import json
import sys
import threading
import time

body = sys.argv[1] if len(sys.argv) > 1 else "plain"
iters = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
value = 0
lock = threading.Lock()


def step(v):
    return v


def plain():
    global value
    for _ in range(iters):
        value = value + 1


def call_loop():
    global value
    for _ in range(iters):
        v = value
        step(v)
        value = v + 1


def locked():
    global value
    for _ in range(iters):
        with lock:
            value = value + 1


fn = {"plain": plain, "call": call_loop, "lock": locked}[body]
threads = [threading.Thread(target=fn) for _ in range(10)]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - t0
expected = 10 * iters
print(json.dumps({"expected": expected, "actual": value,
                  "lost": expected - value,
                  "lost_pct": 100.0 * (expected - value) / expected,
                  "wall_ms": wall * 1000}))

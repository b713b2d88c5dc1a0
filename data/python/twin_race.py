"""Twin of `parlab run race`: threads add 1 to a global counter.

body=plain is `value = value + 1`; body=call puts a function call between
the read and the write; sync=lock takes a threading.Lock around it;
sync=local sums in a local and adds it once at the end.  CPython has no
atomic increment: sync=atomic is refused.  The interpreter's own GIL
applies whatever gil= says (gil=none needs a free-threaded build).
"""
import sys
import threading
import time

import twin

p = twin.params({"threads": 10, "iters": 1_000_000, "sync": "none",
                 "gil": "none", "body": "plain"})
if p["sync"] == "atomic":
    twin.refuse("sync=atomic has no Python equivalent: CPython has no "
                "atomic integer increment")
iters = p["iters"]
value = 0
lock = threading.Lock()
start = threading.Barrier(p["threads"])


def step(v):
    return v


def plain():
    global value
    start.wait()
    for _ in range(iters):
        value = value + 1


def call():
    global value
    start.wait()
    for _ in range(iters):
        v = value
        step(v)
        value = v + 1


def locked():
    global value
    start.wait()
    for _ in range(iters):
        with lock:
            value = value + 1


def local():
    global value
    start.wait()
    s = 0
    for _ in range(iters):
        s += 1
    with lock:
        value += s


fn = {"none": call if p["body"] == "call" else plain, "lock": locked,
      "local": local}[p["sync"]]
threads = [threading.Thread(target=fn) for _ in range(p["threads"])]
t0 = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = (time.perf_counter() - t0) * 1000
expected = p["threads"] * iters
twin.emit({"wall_ms": wall, "expected": expected, "actual": value,
           "lost": expected - value,
           "lost_pct": 100.0 * (expected - value) / expected,
           "ns_per_increment": wall * 1e6 / expected},
          ["threads", "iters", "sync", "body"])

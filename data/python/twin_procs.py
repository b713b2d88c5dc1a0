"""Twin of `parlab run procs`: multiprocessing.Process, fork or spawn.

Each child does work_ms of CPU work (a countdown calibrated here) or of
sleep, adding 1 to a global counter every 10 ms of it, and sends back its
counter and `payload` bytes on a Queue.  start_ms is the median time from
Process.start() to the child's first line (time.monotonic_ns() is the same
clock in every process; the median of two is their mean, as parlab's); the
parent's counter stays 0.  The same work one after another in the parent
gives sequential_ms.
"""
import multiprocessing as mp
import os
import statistics
import time

import twin

counter = 0


def work(task, ms, rate):
    global counter
    steps = max(1, int(ms / 10))
    for _ in range(steps):
        if task == "cpu":
            twin.countdown(int(10 * rate))
        else:
            time.sleep(0.01)
        counter += 1


def child(q, task, ms, rate, payload):
    first = time.monotonic_ns()
    cpu = os.sched_getaffinity(0)
    work(task, ms, rate)
    q.put((first, counter, bytes(payload), len(cpu)))


if __name__ == "__main__":
    p = twin.params({"procs": 2, "start": "fork", "task": "cpu",
                     "work_ms": 1000, "payload": 0})
    ms = p["work_ms"] * p["scale"]
    rate = twin.calibrate()
    ctx = mp.get_context(p["start"])
    q = ctx.Queue()
    kids = []
    t0 = time.perf_counter()
    for _ in range(p["procs"]):
        k = ctx.Process(target=child,
                        args=(q, p["task"], ms, rate, p["payload"]))
        kids.append((time.monotonic_ns(), k))
        k.start()
    out = [q.get() for _ in kids]
    for _, k in kids:
        k.join()
    wall = (time.perf_counter() - t0) * 1000
    asked = sorted(a for a, _ in kids)
    firsts = sorted(o[0] for o in out)
    starts = [(f - a) / 1e6 for a, f in zip(asked, firsts)]
    parent = counter  # the children counted in their own memory
    t0 = time.perf_counter()
    for _ in range(p["procs"]):
        work(p["task"], ms, rate)
    seq = (time.perf_counter() - t0) * 1000
    twin.emit({"wall_ms": wall, "sequential_ms": seq, "speedup": seq / wall,
               "start_ms": statistics.median(starts),
               "start_ms_max": max(starts),
               "child_counter": out[0][1],
               "child_counters": [o[1] for o in out],
               "parent_counter": parent,
               "payload_bytes": p["payload"] * p["procs"]},
              ["procs", "start", "task", "work_ms", "payload", "scale"])

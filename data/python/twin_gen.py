"""Twin of `parlab run gen`: generator tasks on a round-robin loop.

until=deadline is the seed article's task (work until its duration has
passed on the wall clock); until=steps does ceil(duration / step_ms)
steps whatever the others do.  Each step is time.sleep(step_ms).
"""
import time
from collections import deque

import twin

p = twin.params({"tasks": 2, "durations": [2000, 3000], "step_ms": 300,
                 "until": "deadline"})
step = p["step_ms"] * p["scale"] / 1000
durs = [p["durations"][min(i, len(p["durations"]) - 1)]
        for i in range(p["tasks"])]


def deadline(duration):
    start = time.monotonic()
    steps = 0
    while time.monotonic() - start < duration:
        time.sleep(step)
        steps += 1
        yield
    return steps


def fixed(n):
    for _ in range(n):
        time.sleep(step)
        yield
    return n


tasks = [deadline(d * p["scale"] / 1000) if p["until"] == "deadline" else
         fixed(-(-d // p["step_ms"])) for d in durs]
results = [0] * len(tasks)
ready = deque(enumerate(tasks))
switches = resumes = 0
last = None
t0 = time.perf_counter()
while ready:
    i, t = ready.popleft()
    if last is not None and last != i:
        switches += 1
    last = i
    resumes += 1
    try:
        next(t)
        ready.append((i, t))
    except StopIteration as e:
        results[i] = e.value
wall = (time.perf_counter() - t0) * 1000
longest = max(durs) * p["scale"]
total = sum(durs) * p["scale"]
twin.emit({"wall_ms": wall, "results": results, "switches": switches,
           "resumes": resumes, "longest_ms": longest, "sum_ms": total,
           "wall_per_longest": wall / longest, "wall_per_sum": wall / total,
           "took": "sum" if abs(wall - total) < abs(wall - longest)
           else "longest"},
          ["tasks", "durations", "step_ms", "until", "scale"])

"""Twin of `parlab run pool`: concurrent.futures on threads or processes.

map() of fn over 1..items with `workers` workers and `chunksize` (process
pools only: ThreadPoolExecutor ignores it).  fn: square x*x, cube x*x*x,
cpu (work_us of countdown, default 100000, then x*x), sleep (work_us of
time.sleep, then x).  The same calls in a plain loop give sequential_ms.
"""
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import twin

P = twin.params({"backend": "thread", "workers": 4, "items": 5,
                 "fn": "square", "work_us": 0, "chunksize": 1, "gil": "new"})
US = P["work_us"] or (100000 if P["fn"] in ("cpu", "sleep") else 0)
US *= P["scale"]
RATE = twin.calibrate() if P["fn"] == "cpu" else 0


def fn(x):
    if P["fn"] == "square":
        return x * x
    if P["fn"] == "cube":
        return x * x * x
    if P["fn"] == "cpu":
        twin.countdown(int(US / 1000 * RATE))
        return x * x
    time.sleep(US / 1e6)
    return x


if __name__ == "__main__":
    xs = list(range(1, P["items"] + 1))
    t0 = time.perf_counter()
    if P["backend"] == "process":
        with ProcessPoolExecutor(P["workers"]) as ex:
            results = list(ex.map(fn, xs, chunksize=P["chunksize"]))
    else:
        with ThreadPoolExecutor(P["workers"]) as ex:
            results = list(ex.map(fn, xs))
    wall = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    for x in xs:
        fn(x)
    seq = (time.perf_counter() - t0) * 1000
    twin.emit({"wall_ms": wall, "results": results, "sequential_ms": seq,
               "speedup": seq / wall if wall > 0 else 0,
               "futures": len(results)},
              ["backend", "workers", "items", "fn", "work_us", "chunksize",
               "scale"])

"""Twin of `parlab run async`: asyncio.gather of coroutines that sleep.

work(i) awaits asyncio.sleep(sleep_ms) and returns i*i; blocking=1 makes
task 0 call time.sleep instead, stalling the loop.  max_lag_ms is the
longest gap seen by a 1 ms ticker task on the same loop: how long the loop
could not run.
"""
import asyncio
import time

import twin

p = twin.params({"tasks": 3, "sleep_ms": 1000, "blocking": "0"})
s = p["sleep_ms"] * p["scale"] / 1000
lag = [0.0]


async def work(i):
    if i == 0 and p["blocking"] == "1":
        time.sleep(s)
    else:
        await asyncio.sleep(s)
    return i * i


async def ticker():
    last = time.perf_counter()
    while True:
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        lag[0] = max(lag[0], (now - last) * 1000 - 1)
        last = now


async def main():
    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    t0 = time.perf_counter()
    results = await asyncio.gather(*(work(i) for i in range(p["tasks"])))
    wall = (time.perf_counter() - t0) * 1000
    tick.cancel()
    return results, wall


results, wall = asyncio.run(main())
twin.emit({"wall_ms": wall, "results": results, "max_lag_ms": lag[0],
           "wall_per_sleep": wall / (s * 1000)},
          ["tasks", "sleep_ms", "blocking", "scale"])

"""A blocking sleep inside a coroutine vs through asyncio.to_thread: the
loop's longest stall, measured as the latest a 10 ms ticker ran (JSON)."""
import asyncio
import json
import sys
import time

SLEEP = 0.5
OFFLOAD = len(sys.argv) > 1 and sys.argv[1] == "thread"


async def ticker(stop, lag):
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        lag[0] = max(lag[0], now - last - 0.01)
        last = now


async def task(i):
    if i == 0 and OFFLOAD:
        await asyncio.to_thread(time.sleep, SLEEP)
    elif i == 0:
        time.sleep(SLEEP)
    else:
        await asyncio.sleep(SLEEP)
    return i * i


async def main():
    stop, lag = asyncio.Event(), [0.0]
    tick = asyncio.create_task(ticker(stop, lag))
    await asyncio.sleep(0.02)
    t0 = time.perf_counter()
    await asyncio.gather(*(task(i) for i in range(3)))
    wall = time.perf_counter() - t0
    stop.set()
    await tick
    return wall, lag[0]


wall, lag = asyncio.run(main())
print(json.dumps({"wall_ms": wall * 1000, "max_lag_ms": lag * 1000}))

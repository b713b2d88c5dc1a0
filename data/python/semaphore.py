"""20 tasks of 200 ms under asyncio.Semaphore(5): wall time and the most
in flight at once (JSON)."""
import asyncio
import json
import time


async def main():
    sem = asyncio.Semaphore(5)
    inside = [0, 0]

    async def fetch(i):
        async with sem:
            inside[0] += 1
            inside[1] = max(inside[1], inside[0])
            await asyncio.sleep(0.2)
            inside[0] -= 1
        return i * i

    t0 = time.perf_counter()
    await asyncio.gather(*(fetch(i) for i in range(20)))
    return time.perf_counter() - t0, inside[1]


wall, most = asyncio.run(main())
print(json.dumps({"wall_ms": wall * 1000, "max_in_flight": most}))

"""asyncio.gather of three 1-second sleeps (JSON)."""
import asyncio
import json
import time


async def fetch(i):
    await asyncio.sleep(1)
    return i


async def main():
    return await asyncio.gather(*(fetch(i) for i in range(3)))


t0 = time.perf_counter()
asyncio.run(main())
print(json.dumps({"wall_ms": (time.perf_counter() - t0) * 1000}))

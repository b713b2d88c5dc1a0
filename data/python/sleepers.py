"""ThreadPoolExecutor: two calls of an echo that sleeps 1 s (JSON)."""
import json
import time
from concurrent.futures import ThreadPoolExecutor


def echo(text):
    time.sleep(1)
    return text


t0 = time.perf_counter()
with ThreadPoolExecutor(max_workers=2) as ex:
    results = list(ex.map(echo, ["a", "b"]))
print(json.dumps({"wall_ms": (time.perf_counter() - t0) * 1000}))

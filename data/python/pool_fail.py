"""ThreadPoolExecutor with item 2 raising: what map yields before the
exception, and the other futures' results (JSON)."""
import json
from concurrent.futures import ThreadPoolExecutor


def f(x):
    if x == 2:
        raise ValueError(f"item {x} failed")
    return x * x


with ThreadPoolExecutor(4) as ex:
    mapped = []
    try:
        for r in ex.map(f, range(1, 6)):
            mapped.append(r)
    except ValueError as e:
        exc = f"ValueError: {e}"
    results, errors = [], []
    for x, fut in zip(range(1, 6), [ex.submit(f, x) for x in range(1, 6)]):
        try:
            results.append(fut.result())
        except ValueError:
            errors.append(x)
print(json.dumps({"results": results, "map_results": mapped,
                  "errors": errors, "exception": exc}))

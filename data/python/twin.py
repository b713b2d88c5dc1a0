"""Shared by the twins: parlab's key=value parameters in, one JSON object out.

A twin is the CPython program a parlab demo stands for, run by
`parlab run DEMO ... --compare python` with the demo's parameters as
key=value words.  It uses the ones that map, ignores the rest, and prints
one JSON object on its last line whose keys are the demo's figure keys,
plus "version" (CPython's) and "mapped" (the parameters it honoured).
"""
import json
import sys
import time


def params(defaults):
    """The key=value words of argv over defaults, typed like the defaults."""
    p = dict(defaults)
    p.setdefault("scale", 1.0)
    for word in sys.argv[1:]:
        key, _, value = word.partition("=")
        if key not in p:
            continue
        d = p[key]
        if isinstance(d, list):
            p[key] = [int(x) for x in value.split(",")]
        elif isinstance(d, float):
            p[key] = float(value)
        elif isinstance(d, int):
            p[key] = int(value)
        else:
            p[key] = value
    return p


def refuse(why):
    """A parameter with no CPython equivalent: say so and exit 3."""
    print(why, file=sys.stderr)
    sys.exit(3)


def emit(figures, mapped):
    """Print the figures as parlab's JSON keys, with CPython's version."""
    out = {"version": sys.version.split()[0], "mapped": mapped}
    out.update(figures)
    print(json.dumps(out, separators=(",", ":")))
    sys.stdout.flush()


def countdown(n):
    while n > 0:
        n -= 1


def calibrate():
    """Countdown steps per ms of one core, measured now (about 20 ms)."""
    n = 200_000
    while True:
        t0 = time.perf_counter()
        countdown(n)
        dt = time.perf_counter() - t0
        if dt > 0.01:
            return n / (dt * 1000)
        n *= 4


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if v else 0.0


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else 0.0

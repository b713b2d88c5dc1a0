"""time.sleep(0.001) in the main thread beside one CPU-bound thread (JSON).

usage: convoy.py [switch_interval_s]
Prints the median and p99 of how long each 1 ms sleep really took.
"""
import json
import sys
import threading
import time

sys.setswitchinterval(float(sys.argv[1]) if len(sys.argv) > 1 else 0.005)
stop = False


def spin():
    while not stop:
        pass


t = threading.Thread(target=spin)
t.start()
lat = []
for _ in range(300):
    t0 = time.perf_counter()
    time.sleep(0.001)
    lat.append((time.perf_counter() - t0) * 1000)
stop = True
t.join()
lat.sort()
print(json.dumps({"io_latency_p50_ms": lat[len(lat) // 2],
                  "io_latency_p99_ms": lat[int(len(lat) * 0.99)]}))

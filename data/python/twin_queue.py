"""Twin of `parlab run queue`: producers and consumers on a queue.Queue.

Each producer puts `items` items (producer, seq), sleeping produce_us
before each put; consumers get until every item is in, sleeping
consume_us after each get.  fifo_ok: each producer's items came out in
the order it put them; max_depth: the deepest the queue was seen.
"""
import queue
import threading
import time

import twin

p = twin.params({"producers": 10, "consumers": 1, "items": 10,
                 "capacity": 0, "produce_us": 0, "consume_us": 0})
q = queue.Queue(maxsize=p["capacity"])
total = p["producers"] * p["items"]
got = []
got_lock = threading.Lock()
depth = [0]
DONE = None


def producer(k):
    for i in range(p["items"]):
        if p["produce_us"]:
            time.sleep(p["produce_us"] * p["scale"] / 1e6)
        q.put((k, i))
        depth[0] = max(depth[0], q.qsize())


def consumer():
    while True:
        item = q.get()
        if item is DONE:
            return
        with got_lock:
            got.append(item)
        if p["consume_us"]:
            time.sleep(p["consume_us"] * p["scale"] / 1e6)


t0 = time.perf_counter()
cs = [threading.Thread(target=consumer) for _ in range(p["consumers"])]
ps = [threading.Thread(target=producer, args=(k,))
      for k in range(p["producers"])]
for t in cs + ps:
    t.start()
for t in ps:
    t.join()
for _ in cs:
    q.put(DONE)
for t in cs:
    t.join()
wall = (time.perf_counter() - t0) * 1000
last = {}
fifo = True
for k, i in got:
    if last.get(k, -1) >= i:
        fifo = False
    last[k] = i
seen = set(got)
twin.emit({"wall_ms": wall, "items_put": total, "items_got": len(got),
           "max_depth": depth[0], "fifo_ok": fifo,
           "items_lost": total - len(seen),
           "items_duplicated": len(got) - len(seen)},
          ["producers", "consumers", "items", "capacity", "produce_us",
           "consume_us", "scale"])

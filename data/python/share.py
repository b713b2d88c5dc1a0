"""64 MiB back from a child: pickled through a multiprocessing Pipe vs
written into multiprocessing.shared_memory; the time from the payload
being ready to the parent holding it, and their ratio (JSON)."""
import json
import multiprocessing as mp
import time
from multiprocessing import shared_memory

N = 64 * 1024 * 1024


def by_pipe(conn):
    data = bytes(N)
    conn.send((time.monotonic(), data))


def by_shm(conn, name):
    shm = shared_memory.SharedMemory(name=name)
    shm.buf[:N] = bytes(N)
    shm.close()
    conn.send((time.monotonic(), None))


def run(target, *args):
    parent, child = mp.Pipe()
    p = mp.Process(target=target, args=(child, *args))
    p.start()
    sent, _ = parent.recv()
    got = time.monotonic()
    p.join()
    return (got - sent) * 1000


if __name__ == "__main__":
    mp.set_start_method("fork")
    pickle_ms = run(by_pipe)
    shm = shared_memory.SharedMemory(create=True, size=N)
    try:
        shm_ms = run(by_shm, shm.name)
    finally:
        shm.close()
        shm.unlink()
    print(json.dumps({"pickle_ms": pickle_ms, "shm_ms": shm_ms,
                      "ratio": pickle_ms / shm_ms}))

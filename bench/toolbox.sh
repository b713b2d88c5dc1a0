# bench/toolbox.sh -- rows for the rest of Python's toolbox: the blocking
# call's fix (to_thread), bounded concurrency (Semaphore), Event and
# Barrier, each beside its CPython twin in data/python/.  Sourced by
# bench/run.sh, whose sample, pysample, col, row and want it uses.

if want toolbox; then
	sample "$TMP/a" async tasks=3 sleep_ms=500 blocking=1
	pysample "$TMP/b" to_thread.py
	col "$TMP/a" max_lag_ms > "$TMP/p"; col "$TMP/b" max_lag_ms > "$TMP/c"
	row "toolbox: blocking call, loop lag" ms "~500" "$TMP/c" "$TMP/p"
	sample "$TMP/a" async tasks=3 sleep_ms=500 blocking=1 offload=thread
	pysample "$TMP/b" to_thread.py thread
	col "$TMP/a" max_lag_ms > "$TMP/p"; col "$TMP/b" max_lag_ms > "$TMP/c"
	row "toolbox: to_thread, loop lag" ms "< 20" "$TMP/c" "$TMP/p"
	sample "$TMP/a" async tasks=20 sleep_ms=200 limit=5
	pysample "$TMP/b" semaphore.py
	col "$TMP/a" wall_ms > "$TMP/p"; col "$TMP/b" wall_ms > "$TMP/c"
	row "toolbox: asyncio Semaphore(5), 20x200ms" ms "800 +-10%" "$TMP/c" "$TMP/p"
	col "$TMP/a" max_in_flight > "$TMP/p"; col "$TMP/b" max_in_flight > "$TMP/c"
	row "toolbox: asyncio Semaphore(5), in flight" n "5" "$TMP/c" "$TMP/p"
	sample "$TMP/a" threads threads=20 task=io work_ms=200 limit=5
	col "$TMP/a" wall_ms > "$TMP/p"
	row "toolbox: threading Semaphore(5), 20x200ms" ms "800 +-10%" "" "$TMP/p"
	sample "$TMP/a" meet prim=event threads=4 work_ms=100
	pysample "$TMP/b" barrier.py
	col "$TMP/a" release_spread_ms > "$TMP/p"
	col "$TMP/b" release_spread_ms > "$TMP/c"
	row "toolbox: Event, release spread" ms "< 1" "$TMP/c" "$TMP/p"
	sample "$TMP/a" meet prim=barrier threads=4 work_ms=100 phases=3
	col "$TMP/a" wall_ms > "$TMP/p"; col "$TMP/b" wall_ms > "$TMP/c"
	row "toolbox: Barrier, 3 phases of <=100ms" ms "~300" "$TMP/c" "$TMP/p"
fi

# Sharing vs copying: 64 MiB back from one child, pipe vs shared memory.
if want toolbox; then
	sample "$TMP/a" procs procs=1 task=io work_ms=10 payload=67108864 share=pickle
	sample "$TMP/b" procs procs=1 task=io work_ms=10 payload=67108864 share=shm
	pysample "$TMP/c" share.py
	paste -d' ' <(col "$TMP/a" transfer_ms) <(col "$TMP/b" transfer_ms) |
	    awk '$2 > 0 { printf "%.6g\n", $1 / $2 }' > "$TMP/p"
	col "$TMP/c" ratio > "$TMP/q"
	row "toolbox: 64 MiB pickle / shm transfer" x "> 1" "$TMP/q" "$TMP/p"
fi

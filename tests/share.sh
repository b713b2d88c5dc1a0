# share.sh -- procs share=pickle|shm: the payload comes back through the
# pipe or through a named shared-memory segment; both arrive intact (the
# parent checks every byte), the shm result message is small, the
# segments are gone afterwards, and shm moves a large payload faster.
. "$top_srcdir/tests/lib.sh"

for sh in pickle shm; do
	run_json "$TEST_TMP/$sh" procs procs=2 task=io work_ms=20 \
	    payload=1048576 share=$sh
	[ -n "$(json_num transfer_ms "$TEST_TMP/$sh")" ] || fail "$sh: no transfer_ms"
	[ "$(json_num payload_bytes "$TEST_TMP/$sh")" = 2097152 ] ||
	    fail "$sh: payload_bytes"
done
grep -q '"share":"shm"' "$TEST_TMP/shm" || fail "shm: params"
run_json "$TEST_TMP/spawn" procs procs=1 start=spawn task=io work_ms=20 \
    payload=4096 share=shm
ok "1 MiB back by pipe and by shared memory, checked byte by byte (fork, spawn)"

ls /dev/shm 2>/dev/null | grep -q "^parlab-" && fail "segments left in /dev/shm: $(ls /dev/shm)"
ok "no segment left behind"

# 16 MiB from one child: shared memory skips the copy through the pipe.
try 3 sh -c '
	"$1" run procs procs=1 task=io work_ms=20 payload=16777216 share=pickle --format json > "$2/p" &&
	"$1" run procs procs=1 task=io work_ms=20 payload=16777216 share=shm --format json > "$2/s" &&
	p=$(sed -n "s/.*\"transfer_ms\":\([0-9.]*\).*/\1/p" "$2/p") &&
	s=$(sed -n "s/.*\"transfer_ms\":\([0-9.]*\).*/\1/p" "$2/s") &&
	awk -v p="$p" -v s="$s" "BEGIN { exit !(s < p) }"' - "$PARLAB" "$TEST_TMP" ||
    fail "shm was not faster than pickle for 16 MiB"
ok "16 MiB: shm $(json_num transfer_ms "$TEST_TMP/s") ms, pickle $(json_num transfer_ms "$TEST_TMP/p") ms"

bad_param procs share=queue share
done_testing

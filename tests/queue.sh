# queue.sh -- the queue demo end to end: exact counts and FIFO order,
# bounded depth, producers and consumers that block and still finish,
# the depth lane, bad parameters.
. "$top_srcdir/tests/lib.sh"

# runj NAME ARGS...: run the demo into $TEST_TMP/NAME, 30 s at most.
runj() {
	name=$1
	shift
	timeout 30 "$PARLAB" run queue "$@" --format json > "$TEST_TMP/$name" ||
	    fail "run queue $* failed or hung: $(cat "$TEST_TMP/$name")"
	valid_json "$TEST_TMP/$name"
}

# exact NAME COUNT: every item put and got once, in order.
exact() {
	[ "$(json_num items_put "$TEST_TMP/$1")" = "$2" ] || fail "$1: items_put"
	[ "$(json_num items_got "$TEST_TMP/$1")" = "$2" ] || fail "$1: items_got"
	[ "$(json_num items_lost "$TEST_TMP/$1")" = 0 ] || fail "$1: items lost"
	[ "$(json_num items_duplicated "$TEST_TMP/$1")" = 0 ] || fail "$1: duplicates"
	[ "$(json_num fifo_ok "$TEST_TMP/$1")" = true ] || fail "$1: FIFO order broken"
}

# The lesson's example: 10 producers x 10 items, one consumer.
for i in 1 2 3 4 5; do
	runj d
	exact d 100
done
grep -q '"params":{"producers":10,"consumers":1,"items":10,"capacity":0,"produce_us":0,"consume_us":0,"scale":1}' \
    "$TEST_TMP/d" || fail "params: $(cat "$TEST_TMP/d")"
d=$(json_num max_depth "$TEST_TMP/d")
[ "$d" -ge 1 ] && [ "$d" -le 100 ] || fail "max_depth $d"
for k in put_wait_ms get_wait_ms; do
	[ -n "$(json_num $k "$TEST_TMP/d")" ] || fail "no $k"
done
ok "defaults: 100 put, 100 got, in order (5 runs)"

# Bounded: the depth never passes the capacity; a slow consumer makes the
# producers block (queue-wait) on the full queue.
runj b capacity=5 consume_us=200 scale=0.5
exact b 100
[ "$(json_num max_depth "$TEST_TMP/b")" -le 5 ] || fail "capacity=5: depth $(json_num max_depth "$TEST_TMP/b")"
fcmp "$(json_num put_wait_ms "$TEST_TMP/b")" '>' 0 || fail "no producer blocked"
timeout 30 "$PARLAB" run queue capacity=5 consume_us=200 scale=0.5 > "$TEST_TMP/bt" || fail "text run"
grep -q "^P[0-9] *|.*=" "$TEST_TMP/bt" || fail "no producer in queue-wait: $(cat "$TEST_TMP/bt")"
grep -q "^depth *|.*5" "$TEST_TMP/bt" || fail "no depth lane at 5: $(cat "$TEST_TMP/bt")"
ok "capacity=5: depth <= 5, producers queue-wait"

# Several producers and consumers hammering a tiny queue.
runj m producers=4 consumers=3 items=20000 capacity=3
exact m 80000
[ "$(json_num max_depth "$TEST_TMP/m")" -le 3 ] || fail "capacity=3 exceeded"
runj u producers=6 consumers=4 items=5000
exact u 30000
ok "4x3 bounded and 6x4 unbounded: exact and in order"

# More consumers than items: the idle ones wait on the empty queue, then
# all leave once the last item is taken (no hang).
runj e producers=2 consumers=8 items=3 produce_us=2000
exact e 6
fcmp "$(json_num get_wait_ms "$TEST_TMP/e")" '>' 0 || fail "no consumer waited"
timeout 30 "$PARLAB" run queue producers=2 consumers=3 items=5 produce_us=3000 > "$TEST_TMP/et" ||
    fail "text run"
grep -q "^C[0-9] *|.*=" "$TEST_TMP/et" || fail "no consumer in queue-wait: $(cat "$TEST_TMP/et")"
ok "empty queue: consumers wait, then leave"

# capacity=1 with one of each: a strict hand-off, still exact.
runj one producers=1 consumers=1 items=2000 capacity=1
exact one 2000
[ "$(json_num max_depth "$TEST_TMP/one")" = 1 ] || fail "capacity=1 depth"
ok "capacity=1 hand-off"

# The trace export draws the depth as a counter.
timeout 30 "$PARLAB" run queue capacity=5 --format trace -o "$TEST_TMP/tr.json" 2>/dev/null ||
    fail "trace run"
valid_json "$TEST_TMP/tr.json"
grep -q '"ph":"C","name":"depth"' "$TEST_TMP/tr.json" || fail "no depth counter"
ok "trace: depth counter"

# Every bad parameter exits 2, names itself, runs nothing.
bad_param queue producers=0 "producers=0: out of range; producers is 1 to 256"
bad_param queue consumers=0 "consumers=0: out of range; consumers is 1 to 256"
bad_param queue consumers=x "consumers=x: not a whole number"
bad_param queue items=0 "items=0: out of range; items is 1 to 1000000"
bad_param queue capacity=-1 "capacity=-1: out of range; capacity is 0 to 1000000"
bad_param queue produce_us=2000000 "produce_us=2000000: out of range; produce_us is 0 to 1000000"
bad_param queue consume_us=-3 "consume_us=-3: out of range"
bad_param queue threads=2 "threads"
ok "bad parameters exit 2"

# The whole picture at scale: 3.6 M events and not one dropped.
run_json "$TEST_TMP/big" queue producers=64 consumers=8 items=10000
[ "$(json_num dropped "$TEST_TMP/big")" = 0 ] ||
    fail "producers=64 consumers=8 items=10000: dropped $(json_num dropped "$TEST_TMP/big")"
ok "producers=64 consumers=8 items=10000: dropped 0"

done_testing

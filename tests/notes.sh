#!/bin/sh
# notes.sh -- `parlab notes` without a presenter: refused cleanly, no hang,
# also when a crashed presenter left its socket file behind.
. "$top_srcdir/tests/lib.sh"
XDG_RUNTIME_DIR="$TEST_TMP/run"; export XDG_RUNTIME_DIR
mkdir -m 700 "$XDG_RUNTIME_DIR"

expect_exit 1 "$PARLAB" notes
grep -q 'no presenter is running' "$TEST_TMP/err" || fail "message: $(cat "$TEST_TMP/err")"
grep -q 'parlab --present' "$TEST_TMP/err" || fail "no hint: $(cat "$TEST_TMP/err")"
ok "no presenter: a message and exit 1"

expect_exit 2 "$PARLAB" notes extra
grep -q 'notes takes no argument' "$TEST_TMP/err" || fail "$(cat "$TEST_TMP/err")"
ok "notes with an argument is bad usage"

# A socket file nobody listens on, as a killed presenter leaves it.
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	    "$XDG_RUNTIME_DIR/parlab-present.sock"
	[ -S "$XDG_RUNTIME_DIR/parlab-present.sock" ] || fail "no stale socket made"
	expect_exit 1 "$PARLAB" notes
	grep -q 'no presenter is running' "$TEST_TMP/err" || fail "stale: $(cat "$TEST_TMP/err")"
	ok "a stale socket: the same message, exit 1"
fi

# Without $XDG_RUNTIME_DIR the socket lives in a private /tmp directory.
env -u XDG_RUNTIME_DIR "$PARLAB" notes > "$TEST_TMP/out" 2> "$TEST_TMP/err"
st=$?
[ "$st" = 1 ] || fail "fallback: exit $st"
grep -q "/tmp/parlab-$(id -u)/parlab-present.sock" "$TEST_TMP/err" ||
    fail "fallback path: $(cat "$TEST_TMP/err")"
ok "fallback socket under /tmp/parlab-UID"
done_testing

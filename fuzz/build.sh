#!/bin/sh
# fuzz/build.sh -- build the libFuzzer targets (fuzz/fuzz_*.c) with clang.
#
#   FUZZ_CC=clang sh fuzz/build.sh SRCDIR BUILDDIR LIBRARY-SOURCES...
#
# `make fuzz` calls it with the library's own source list (so a file being
# written but not yet in the build is never compiled here).  BUILDDIR is a
# configured build directory: its config.h is used, and the objects and the
# fuzzers go to BUILDDIR/fuzz-out/.  Every object is built with
# -fsanitize=fuzzer-no-link,address,undefined and UBSan made fatal, so a
# finding stops the fuzzer with the input that caused it.
# Needs clang and libclang-rt-14-dev (Debian): apt-get install -y clang
# libclang-rt-14-dev.
set -eu

[ $# -ge 3 ] || { echo "usage: $0 SRCDIR BUILDDIR SOURCES..." >&2; exit 2; }
srcdir=$1
builddir=$2
shift 2
cc=${FUZZ_CC:-clang}
command -v "$cc" >/dev/null 2>&1 ||
    { echo "fuzz/build.sh: $cc not found (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }

out=$builddir/fuzz-out
mkdir -p "$out/obj"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -std=gnu11 -pthread -fno-omit-frame-pointer $san
    -I$builddir -I$srcdir/src
    -DPKGDATADIR=\"$builddir/fuzz/nowhere\" -DPARLAB_SRCDIR=\"$srcdir\"
    $(pkg-config --cflags ncursesw md4c)"
libs="$(pkg-config --libs ncursesw md4c) -lm -lrt"

objs=""
for f in "$@"; do
	case $f in
	*.c) ;;
	*) continue ;;
	esac
	o=$out/obj/$(basename "$f" .c).o
	# Rebuild an object only when its source or the header is newer.
	if [ ! -f "$o" ] || [ "$srcdir/$f" -nt "$o" ] ||
	    [ "$srcdir/src/parlab.h" -nt "$o" ]; then
		# shellcheck disable=SC2086
		$cc $cflags -fsanitize=fuzzer-no-link -c "$srcdir/$f" -o "$o"
	fi
	objs="$objs $o"
done

for t in "$srcdir"/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	# shellcheck disable=SC2086
	$cc $cflags -fsanitize=fuzzer "$t" $objs $libs -o "$out/$name"
	echo "fuzz/build.sh: built $out/$name"
done

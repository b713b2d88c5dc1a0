#!/bin/sh
. "$top_srcdir/tests/lib.sh"
done_testing

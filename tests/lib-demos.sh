# tests/lib-demos.sh -- the demos and their parameters, read from the binary.
#
# Sourced after tests/lib.sh by the hardening scripts (limits, leftovers,
# memcheck, soak), so a demo or parameter added later is covered without
# editing them.

# demo_table FILE: one line per parameter, "demo<TAB>name<TAB>default<TAB>
# range", from `parlab list --json`; the demo names alone go to FILE.demos.
demo_table() {
	"$PARLAB" list --json > "$1.json" || fail "parlab list --json failed"
	tr '{' '\n' < "$1.json" | awk -v demos="$1.demos" '
		/^"name":"[^"]*","summary":/ {
			split($0, a, "\""); demo = a[4]; print demo > demos; next
		}
		/^"name":"[^"]*","default":/ {
			split($0, a, "\""); print demo "\t" a[4] "\t" a[8] "\t" a[12]
		}' > "$1"
	[ -s "$1.demos" ] || fail "no demos in parlab list --json"
}

# demo_small TABLE DEMO [EXCEPT]: key=value words that shrink every numeric
# parameter of DEMO whose default is above 4 to 4 (or its minimum), and
# every list item likewise; EXCEPT is left alone.
demo_small() {
	awk -F '\t' -v d="$2" -v x="${3:-}" '
	function small(v, lo) { return v + 0 > 4 ? (lo + 0 > 4 ? lo : 4) : v }
	$1 == d && $2 != x && $4 ~ /^[-0-9.e+]+ to [-0-9.e+]+$/ {
		split($4, r, " to ")
		if ($3 + 0 > 4)
			printf "%s=%.0f ", $2, small($3, r[1])
	}
	$1 == d && $2 != x && $4 ~ /^a comma-separated list/ {
		lo = $4; sub(/.*each /, "", lo); sub(/ to .*/, "", lo)
		n = split($3, v, ",")
		printf "%s=", $2
		for (i = 1; i <= n; i++)
			printf "%s%.0f", (i > 1 ? "," : ""), small(v[i], lo)
		printf " "
	}' "$1"
}

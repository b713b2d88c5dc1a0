# doc-tables.sh -- README's and the man page's demo tables say what the
# binary says: each demo of `parlab list --json` has a README row with its
# summary and its parameters (key=default, a choice as key=a|b|c) and a man
# page entry with the same parameters, and neither lists a demo the binary
# does not have.  So the tables cannot drift from the registry.
. "$top_srcdir/tests/lib.sh"

command -v python3 >/dev/null 2>&1 || { echo "python3 not installed: skipped"; exit 77; }
"$PARLAB" list --json > "$TEST_TMP/list.json" || fail "parlab list --json failed"
python3 - "$TEST_TMP/list.json" "$top_srcdir/README.md" "$top_srcdir/doc/parlab.1" <<'PY' || fail "the demo tables drifted from parlab list"
import json, re, sys

demos = json.load(open(sys.argv[1]))["demos"]
readme = open(sys.argv[2]).read()
man = open(sys.argv[3]).read()

def words(d):
    out = []
    for p in d["params"]:
        if "|" in p["range"] and " to " not in p["range"]:
            out.append("%s=%s" % (p["name"], p["range"]))
        else:
            out.append("%s=%s" % (p["name"], p["default"]))
    return " ".join(out)

bad = []
table = readme[readme.index("| demo | teaches | parameters |"):]
table = table[:table.index("\n\n")]
rows = re.findall(r"^\| `([a-z]+)` \|", table, re.M)
for d in demos:
    want = words(d)
    row = re.search(r"^\| `%s` \| (.*?) \| `(.*?)` \|$" % d["name"], table, re.M)
    if row is None:
        bad.append("README: no row for %s" % d["name"])
    else:
        if row.group(1) != d["summary"]:
            bad.append("README %s: summary %r, binary %r" % (d["name"], row.group(1), d["summary"]))
        if row.group(2).replace("\\|", "|") != want:
            bad.append("README %s: %r, binary %r" % (d["name"], row.group(2), want))
    ent = re.search(r"^\.B %s\n(.*)$" % d["name"], man, re.M)
    if ent is None:
        bad.append("man: no entry for %s" % d["name"])
    elif ent.group(1) != want:
        bad.append("man %s: %r, binary %r" % (d["name"], ent.group(1), want))
names = {d["name"] for d in demos}
for n in rows:
    if n not in names:
        bad.append("README lists %s, which the binary does not have" % n)
for line in bad:
    print(line, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
ok "README's and the man page's demo tables match parlab list --json"

done_testing

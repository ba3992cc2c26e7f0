#!/usr/bin/env bash
# tests/check_redact.sh (ctest redact_names): the company's names in the
# outputs, and --redact (docs/data-format.md "Names and --redact").
#
# On tests/data/company/ (the loader's small company; tender.cfg adds a
# territory tender so that a detail table has a `territory` column, and
# population.people_table for people.csv):
#  * without --redact, tender_territories.csv carries territory_id and
#    territory_name, people.csv rep_id and rep_name (its figures consistent,
#    the results the same without it), the reports show the names, and the exported history
#    carries the people's and territories' names (its accounts are the
#    model's, "Customer N": docs/export-history.md);
#  * with --redact, no name of the data (territory names and regions,
#    account names, people's names) is in any file of the output, the
#    exported history, a batch folder or a calibration folder (report.xlsx
#    is unzipped and its parts searched), and the numbers are the same;
#  * fit.csv has no name even without --redact, and a redacted run of the
#    calibrated scenario (its calibration.csv, the reports' Calibration
#    section) has none either.
#
# usage: tests/check_redact.sh [SALESIM_BINARY]   (default build/salesim)
# Exit 0 if every check passes, 1 otherwise, 77 (skipped) without python3.
set -u
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
command -v python3 >/dev/null 2>&1 || { echo "skipped: no python3" >&2; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/salesim-redact.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail=0
die() { echo "FAIL: $*" >&2; fail=1; }
co=tests/data/company

# every name of the data, one a line (CSV read with python's csv module)
python3 - "$co" >"$work/names.txt" <<'EOF' || die "reading the names"
import csv, sys
d = sys.argv[1]
cols = {"territories.csv": ("name", "region"), "accounts.csv": ("name",), "roster.csv": ("name",)}
names = set()
for f, cs in cols.items():
    with open(f"{d}/{f}", newline="", encoding="utf-8") as fp:
        for row in csv.DictReader(fp):
            for c in cs:
                if row[c]:
                    names.add(row[c])
for n in sorted(names):
    print(n)
EOF
[ "$(wc -l <"$work/names.txt")" -ge 30 ] || die "fewer names than the data has: $(wc -l <"$work/names.txt")"

# the names found in the files under each folder given (xlsx unzipped)
found() {
  python3 - "$work/names.txt" "$@" <<'EOF'
import os, sys, zipfile
names = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
def texts(path):
    if path.endswith(".xlsx"):
        with zipfile.ZipFile(path) as z:
            for m in z.namelist():
                yield f"{path}:{m}", z.read(m).decode("utf-8", "replace")
    else:
        with open(path, "rb") as fp:
            yield path, fp.read().decode("utf-8", "replace")
files = 0
for top in sys.argv[2:]:
    for root, _, fs in os.walk(top):
        for f in sorted(fs):
            files += 1
            for where, t in texts(os.path.join(root, f)):
                for n in names:
                    # an XML or HTML writer may escape '&', '<', '"', "'"
                    alts = {n, n.replace("&", "&amp;"), n.replace("'", "&#39;")}
                    if any(a in t for a in alts):
                        print(f"{where}: {n}")
if files == 0:
    print("no files at all")
EOF
}

# ---- without --redact: the names are where docs/output-format.md says ----
"$bin" run "$co/tender.cfg" -o "$work/plain" --export-history "$work/plain-hist" -q ||
  die "salesim run tender.cfg"
head -1 "$work/plain/tender_territories.csv" | grep -q ',territory,territory_id,territory_name,' ||
  die "tender_territories.csv: no territory_id, territory_name after territory"
grep -q '^tender,1,1,2,T3,"Southern Plains, East",' "$work/plain/tender_territories.csv" ||
  die "tender_territories.csv: territory 2 is not T3, Southern Plains, East"
grep -q 'North Coast' "$work/plain/report.html" || die "report.html: no territory name"
grep -q 'Ana Lima' "$work/plain-hist/tender/roster.csv" || die "exported roster: no rep name"
grep -q 'River Valley' "$work/plain-hist/tender/territories.csv" ||
  die "exported territories: no name"
# people.csv (population.people_table): every starting person, each
# mechanism and replication, with rep_id and name after the roster row
head -1 "$work/plain/people.csv" | grep -q '^label,replication,rep,rep_id,rep_name,slot,' ||
  die "people.csv: no rep_id, rep_name after rep"
[ "$(grep -c '' "$work/plain/people.csv")" -eq $((1 + 6 * 2 * 2)) ] ||
  die "people.csv: not 6 people x 2 mechanisms x 2 replications"
grep -q '^commission,2,3,R4,Dana Krüger,3,' "$work/plain/people.csv" ||
  die "people.csv: roster row 3 is not R4, Dana Krüger"
# commission at 3 % with no base: each person's pay is 3 % of their credit;
# months within the run, employed at the end only after 24 months
awk -F, 'NR > 1 && $1 == "commission" {
  if ($8 < 0 || $8 > 24 || ($7 == 1 && $8 != 24) || ($7 != 0 && $7 != 1)) { print "months " $0; bad = 1 }
  if ($8 > 0 && ($9 - 0.03 * $10 > 1e-6 * $10 || 0.03 * $10 - $9 > 1e-6 * $10)) { print "pay " $0; bad = 1 }
} END { exit bad }' "$work/plain/people.csv" || die "people.csv: figures inconsistent (above)"
# the table records only: the same results without it (a copy of the
# company's folder with people_table off)
mkdir -p "$work/co" && cp "$co"/*.csv "$work/co/" &&
  sed 's/people_table = true/people_table = false/' "$co/tender.cfg" >"$work/co/tender.cfg"
"$bin" run "$work/co/tender.cfg" -o "$work/nopeople" -q || die "salesim run without people_table"
[ -e "$work/nopeople/people.csv" ] && die "people.csv written with people_table = false"
for f in summary.csv replications.csv monthly.csv tender_territories.csv; do
  cmp -s "$work/plain/$f" "$work/nopeople/$f" || die "$f differs with people_table"
done
# (hunting_by_book has no territory column: unchanged)
head -1 "$work/plain/hunting_by_book.csv" | grep -q territory && die "hunting_by_book.csv got names"

# ---- with --redact: no name anywhere, the same numbers ----
"$bin" run "$co/tender.cfg" -o "$work/red" --export-history "$work/red-hist" --redact -q ||
  die "salesim run --redact"
hits=$(found "$work/red" "$work/red-hist")
[ -z "$hits" ] || die "names in the redacted run or export: $(echo "$hits" | head -5)"
grep -q '^tender,1,1,2,T3,T3,' "$work/red/tender_territories.csv" ||
  die "redacted tender_territories.csv: territory 2 is not T3, T3"
for f in summary.csv replications.csv monthly.csv; do
  cmp -s "$work/plain/$f" "$work/red/$f" || die "$f differs with --redact"
done
# the plain run does contain them: the search can fail
hits=$(found "$work/plain" "$work/plain-hist")
echo "$hits" | grep -q 'report.xlsx:.*North Coast' || die "the search found no name in report.xlsx"
echo "$hits" | grep -q 'Fatima Haddad' || die "the search found no rep name in the plain export"

# batch: every scenario's folder
"$bin" batch "$co/tender.cfg" -o "$work/batch" --redact -q || die "salesim batch --redact"
hits=$(found "$work/batch")
[ -z "$hits" ] || die "names in the redacted batch: $(echo "$hits" | head -5)"

# calibrate: data/ written from memory, names as ids, the same fit
for r in "" --redact; do
  "$bin" calibrate "$co/company.cfg" -o "$work/cal$r" $r --replications 2 --max-evaluations 12 \
    --bootstrap 20 --threads 1 >/dev/null 2>&1 || die "salesim calibrate $r"
done
hits=$(found "$work/cal--redact")
[ -z "$hits" ] || die "names in the redacted calibration: $(echo "$hits" | head -5)"
hits=$(found "$work/cal")
echo "$hits" | grep -q 'data/roster.csv: Ana Lima' || die "plain calibration: no copy of the roster"
for f in fit.csv calibrated.cfg; do
  cmp -s "$work/cal/$f" "$work/cal--redact/$f" || die "calibrate $f differs with --redact"
done
grep -q '^- Redacted (`--redact`)' "$work/cal--redact/calibration.md" ||
  die "the redacted calibration.md does not say data/ is redacted"
grep -v '^- Redacted (`--redact`)' "$work/cal--redact/calibration.md" |
  cmp -s - "$work/cal/calibration.md" || die "calibration.md differs with --redact"
"$bin" validate "$work/cal--redact/calibrated.cfg" >/dev/null || die "redacted calibrated.cfg does not load"
# fit.csv holds no names, also without --redact (only figures, dates and the
# model's setting and moment names): a calibrated run's calibration.csv and
# its reports' Calibration section need no redaction of their own
mkdir -p "$work/fitonly" && cp "$work/cal/fit.csv" "$work/fitonly/" || die "copying fit.csv"
hits=$(found "$work/fitonly")
[ -z "$hits" ] || die "names in fit.csv: $(echo "$hits" | head -5)"
"$bin" run "$work/cal--redact/calibrated.cfg" -o "$work/calrun" --redact -q ||
  die "salesim run calibrated.cfg --redact"
hits=$(found "$work/calrun")
[ -z "$hits" ] || die "names in the redacted calibrated run: $(echo "$hits" | head -5)"
cmp -s "$work/cal/fit.csv" "$work/calrun/calibration.csv" || die "calibration.csv is not fit.csv"
grep -q '^## Calibration$' "$work/calrun/report.md" || die "the calibrated run's report.md has no Calibration section"

# validate does not take --redact (it writes nothing)
"$bin" validate "$co/company.cfg" --redact >/dev/null 2>&1 && die "validate accepted --redact"

[ $fail -eq 0 ] && echo "redact: every check passed"
exit $fail

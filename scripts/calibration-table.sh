#!/usr/bin/env bash
# scripts/calibration-table.sh: the calibration table of docs/model.md
# ("Calibration: the assumptions that move the headline"), regenerated from
# scratch.
#
# Runs every sweep in docs/calibration/ (each = a shipped scenario, pulled in
# with @include so it always follows scenarios/*.cfg, plus one `sweep` block
# over one setting's plausible range; every point on the scenario's own seed,
# i.e. common random numbers), then prints the Markdown table on stdout:
# for each setting, every headline metric that moves by more than 10 % of its
# value at the default (and beyond the noise: the value at the default lies
# outside the 95 % interval at the point furthest from it), and every plan
# comparison (paired difference vs the scenario's baseline) that changes sign
# over the range. Settings below that bar are listed after the table with
# their largest move. Progress and the run time go to stderr.
#
# Headline metrics (what the README and docs present as findings):
#   default.cfg           every plan: profit, revenue, pay_cost,
#                         new_hire_survival_12, quits, headcount_end,
#                         top_quintile_retention; comparisons: profit,
#                         revenue, pay_cost difference vs target_salary
#   territory-tender.cfg  tender: territories_no_bid, bids_max, awards_voided, territories_unfilled;
#                         comparison: profit difference vs top_down
#   timing-games.cfg      plans other than linear: revenue_moved,
#                         discount_share, year_end_bunching, headcount_end;
#                         comparison: profit difference vs linear
#   year-end-bonus.cfg    plans other than linear: year_end_bunching,
#                         new_year_trough, revenue_moved; comparison: profit
#
# usage: scripts/calibration-table.sh [--replications N] [--out DIR]
#                                     [--bin SALESIM] [PREFIX...]
#   PREFIX  only the sweeps whose file name starts with it, e.g.
#           `scripts/calibration-table.sh territory-tender` re-measures the
#           tender rows alone (default: every file in docs/calibration/)
#   --replications  default 20; --out default out/calibration;
#   --bin default build/salesim; --table-only: print the table from the
#   runs already in --out (nothing is run). Two threads (the machine's rule).
# Exit 0 on success, 1 if a run failed, 2 on a usage or set-up problem.
set -u
cd "$(dirname "$0")/.."
reps=20 out=out/calibration bin=build/salesim run=1
while [ $# -gt 0 ]; do
  case $1 in
    --replications) reps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --table-only) run=0; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d'; exit 0 ;;
    -*) echo "calibration-table: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ "$run" = 1 ] && [ ! -x "$bin" ]; then
  echo "calibration-table: $bin not found (build first)" >&2
  exit 2
fi
files=()
if [ $# -eq 0 ]; then
  files=(docs/calibration/*.cfg)
else
  for p in "$@"; do
    for f in docs/calibration/"$p"*.cfg; do
      [ -e "$f" ] && files+=("$f")
    done
  done
fi
if [ ${#files[@]} -eq 0 ] || [ ! -e "${files[0]}" ]; then
  echo "calibration-table: no sweep file matches $*" >&2
  exit 2
fi
mkdir -p "$out"
start=$(date +%s)
if [ "$run" = 1 ]; then
 for f in "${files[@]}"; do
  name=$(basename "$f" .cfg)
  echo "calibration-table: $name" >&2
  if ! OMP_WAIT_POLICY=passive "$bin" run "$f" -o "$out/$name" --replications "$reps" \
       --threads 2 --quiet --include-dir scenarios >"$out/$name.log" 2>&1; then
    echo "calibration-table: FAILED: $bin run $f (see $out/$name.log)" >&2
    sed -n 1,5p "$out/$name.log" >&2
    exit 1
  fi
 done
 echo "calibration-table: ${#files[@]} sweeps, $reps replications, $(( $(date +%s) - start )) s" >&2
fi

python3 - "$out" "$reps" "${files[@]}" <<'PY'
import csv, math, os, re, sys

out, reps, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]

HEAD = {
    'default': dict(arms=None,
                    levels=['profit', 'revenue', 'pay_cost', 'new_hire_survival_12', 'quits',
                            'headcount_end', 'top_quintile_retention'],
                    diffs=['profit', 'revenue', 'pay_cost']),
    'territory-tender': dict(arms=['tender'],
                             levels=['territories_no_bid', 'bids_max', 'awards_voided',
                                     'territories_unfilled'],
                             diffs=['profit']),
    'timing-games': dict(arms='nonbase',
                         levels=['revenue_moved', 'discount_share', 'year_end_bunching',
                                 'headcount_end'],
                         diffs=['profit']),
    'year-end-bonus': dict(arms='nonbase',
                           levels=['year_end_bunching', 'new_year_trough', 'revenue_moved'],
                           diffs=['profit']),
}
MONEY = {'profit', 'revenue', 'pay_cost'}
SHARE = {'new_hire_survival_12', 'top_quintile_retention', 'revenue_moved', 'discount_share'}
RATIO = {'year_end_bunching', 'new_year_trough'}
SHORT = {'new_hire_survival_12': 'survival 12 m', 'top_quintile_retention': 'top-fifth retention',
         'headcount_end': 'headcount', 'pay_cost': 'pay cost', 'territories_no_bid': 'territories no bid',
         'territories_unfilled': 'territories nobody won', 'bids_max': 'bids on the most-bid territory',
         'awards_voided': 'awards voided /yr', 'year_end_bunching': 'year-end bunching',
         'new_year_trough': 'new-year trough', 'revenue_moved': 'revenue moved',
         'discount_share': 'discount share', 'quits': 'quits /yr'}


def num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return math.nan
    return v


def fmt(m, v):
    if math.isnan(v):
        return 'n/a'
    if m in MONEY:
        return '%.1f M' % (v / 1e6)
    if m in SHARE:
        return '%.1f %%' % (100 * v)
    if m in RATIO:
        return '%.2f' % v
    return '%.3g' % v


def fmt_diff(m, v):
    if m in MONEY:
        return '%+.1f M' % (v / 1e6)
    return '%+.3g' % v


def fmt_x(v):
    return '%g' % v


def meta(path):
    md, sweep = {}, None
    for line in open(path, encoding='utf-8'):
        mm = re.match(r'#\s*calibration\.(\w+):\s*(.*\S)', line)
        if mm:
            md[mm.group(1)] = mm.group(2)
        mm = re.search(r'path\s*=\s*"([^"]+)"', line)
        if line.startswith('sweep') and mm:
            sweep = mm.group(1)
        mm = re.match(r'@include\s+"[./]*scenarios/([^"]+)\.cfg"', line)
        if mm:
            md['scenario'] = mm.group(1)
    md['path'] = sweep
    return md


rows, quiet = [], []
for f in files:
    name = os.path.basename(f)[:-4]
    md = meta(f)
    sc, path = md['scenario'], md['path']
    dflt = float(md['default'])
    data = list(csv.DictReader(open(os.path.join(out, name, 'sweep.csv'))))
    base = {}
    for r in csv.DictReader(open(os.path.join(out, name, 'summary.csv'))):
        if r['metric'] == 'profit':
            base[r['mechanism']] = num(r['mean'])
    mechs = list(dict.fromkeys(r['mechanism'] for r in data))
    baseline = [r['mechanism'] for r in data if num(r['profit_diff_vs_baseline']) == 0.0
                and num(r['profit_diff_ci_low']) == 0.0 and num(r['profit_diff_ci_high']) == 0.0]
    baseline = baseline[0] if baseline else mechs[0]
    xs = sorted({num(r[path]) for r in data})
    at = {(r['mechanism'], num(r[path])): r for r in data}
    # the default point must reproduce the scenario as shipped (same seed)
    d0 = min(xs, key=lambda x: abs(x - dflt))
    warn = ''
    if abs(d0 - dflt) > 1e-12 * max(1.0, abs(dflt)) or any(
            abs(num(at[(m, d0)]['profit_mean']) - base[m]) > 1e-6 * max(1.0, abs(base[m])) for m in mechs):
        warn = ' **(default point does not reproduce the shipped scenario: check calibration.default)**'
    h = HEAD[sc]
    arms = mechs if h['arms'] is None else (
        [m for m in mechs if m != baseline] if h['arms'] == 'nonbase' else [m for m in h['arms'] if m in mechs])
    moved, biggest = [], (0.0, '')
    for a in arms:
        parts = []
        for m in h['levels']:
            col = m + '_mean'
            if col not in data[0]:
                continue
            v = [(x, num(at[(a, x)][col]), num(at[(a, x)][m + '_ci_low']), num(at[(a, x)][m + '_ci_high']))
                 for x in xs]
            d = num(at[(a, d0)][col])
            vv = [t for t in v if not math.isnan(t[1])]
            if not vv or math.isnan(d) or d == 0:
                continue
            # moved: at some point by more than 10 % of the value at the
            # default, with the default's value outside that point's interval
            real = [t for t in vv if not (t[2] <= d <= t[3])]
            far = max(real, key=lambda t: abs(t[1] - d)) if real else None
            dev = abs(far[1] - d) / abs(d) if far else 0.0
            beyond = far is not None
            if dev > biggest[0] and beyond:
                biggest = (dev, '%s %s %.0f %%' % (a, SHORT.get(m, m), 100 * dev))
            if dev > 0.10 and beyond:
                lo = min(vv, key=lambda t: t[1]); hi = max(vv, key=lambda t: t[1])
                parts.append('%s %s (at %s) – %s (at %s), %s at default' % (
                    SHORT.get(m, m), fmt(m, lo[1]), fmt_x(lo[0]), fmt(m, hi[1]), fmt_x(hi[0]), fmt(m, d)))
        if parts:
            moved.append('**%s**: %s' % (a, '; '.join(parts)))
    comps, flips = [], []
    for a in mechs:
        if a == baseline:
            continue
        for m in h['diffs']:
            dc = m + '_diff_vs_baseline'
            v = [(x, num(at[(a, x)][dc]), num(at[(a, x)][m + '_diff_ci_low']), num(at[(a, x)][m + '_diff_ci_high']))
                 for x in xs]
            lo = min(v, key=lambda t: t[1]); hi = max(v, key=lambda t: t[1])
            d = num(at[(a, d0)][dc])
            flip = lo[1] < 0 < hi[1]
            sig = any(t[3] < 0 for t in v) and any(t[2] > 0 for t in v)
            if m != 'profit' and not flip:
                continue
            if lo[1] == hi[1]:
                comps.append('%s − %s %s: %s at every value' % (a, baseline, SHORT.get(m, m), fmt_diff(m, d)))
                continue
            txt = '%s − %s %s: %s [%s, %s] (at %s) to %s [%s, %s] (at %s); %s at default' % (
                a, baseline, SHORT.get(m, m), fmt_diff(m, lo[1]), fmt_diff(m, lo[2]), fmt_diff(m, lo[3]),
                fmt_x(lo[0]), fmt_diff(m, hi[1]), fmt_diff(m, hi[2]), fmt_diff(m, hi[3]), fmt_x(hi[0]),
                fmt_diff(m, d))
            if flip:
                txt += ' — **sign flips%s**' % (', significant both ways' if sig else '')
                flips.append(a + ' ' + m)
            comps.append(txt)
    label = '`%s` (%s)' % (path, sc + '.cfg')
    if moved or flips:
        sigflip = any('significant both ways' in c for c in comps)
        rows.append(((list(HEAD).index(sc), 0 if sigflip else 1 if flips else 2), '| %s | %s | %s | %s | %s | %s |' % (
            label, md['default'], md['source'], '%s: %s' % (', '.join(fmt_x(x) for x in xs), md['range']),
            '<br>'.join(moved) if moved else '(none above 10 %)', '<br>'.join(comps) + warn)))
    else:
        quiet.append('%s: largest move %s%s' % (label, biggest[1] or 'none beyond noise', warn))

print('| setting (scenario) | default | source of the default | values swept: plausible range | '
      'headline metrics moved > 10 %: min (at) – max (at), value at default | '
      'plan comparisons (paired difference vs the baseline [95 %]) over the range |')
print('|---|---|---|---|---|---|')
# by scenario; within it comparisons that flip significantly first, then
# those that flip, then the rest (file order inside each group)
for _, r in sorted(rows, key=lambda t: t[0]):
    print(r)
if quiet:
    print()
    print('Below the bar (no headline metric moves > 10 % beyond the noise, no comparison changes sign):')
    print()
    for q in quiet:
        print('* ' + q)
PY

#!/usr/bin/env bash
# Regenerate the reference tables of docs/scenario-format.md from the
# loader's own setting tables (`salesim params`), between "### Top level"
# and "## A complete example". Run after adding or changing a setting.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/salesim}
doc=docs/scenario-format.md
tables=$(mktemp)
"$bin" params > "$tables"
python3 - "$doc" "$tables" <<'PY'
import sys
doc, tables = sys.argv[1], sys.argv[2]
text = open(doc).read()
start = text.index("### Top level")
end = text.index("## A complete example")
new = open(tables).read().rstrip("\n") + "\n\n"
open(doc, "w").write(text[:start] + new + text[end:])
PY
rm -f "$tables"
echo "updated $doc"

#!/usr/bin/env bash
# scripts/check-layers.sh: every #include "x.h" between the layer folders of
# the library is an allowed dependency.
#
# The table of layers (folder, and which layers each may use) and the
# temporary per-file exceptions live in cmake/Layers.cmake, which the build
# reads too; this script parses its salesim_layer(...) and
# salesim_layer_exception(...) lines. It lists every include that crosses
# from one layer folder into another and fails (exit 1) on
#   * an include of a header from a layer that is not allowed,
#   * an exception that no include needs any more (delete it from the table),
#   * a .c or .h file in engine/ or models/ outside every layer folder,
#   * a quoted include that resolves to no file,
#   * a file rule inside a layer: models/core/sim_internal.h included outside
#     models/core/, or models/core/sim.h included by a mechanism or an
#     algorithm (they depend on the world, world.h and mechanism.h, not on
#     the loop).
# The compiler enforces the same table (each layer's include path); this
# check also sees headers that no build configuration compiles and names the
# offending line. Run by ctest as `layers_check`.
#
# usage: scripts/check-layers.sh [-q]   (-q: print only problems)
# Exit 0 if every edge is allowed, 1 otherwise, 2 on a set-up problem.
set -u
cd "$(dirname "$0")/.." || exit 2
quiet=0
[ "${1:-}" = "-q" ] && quiet=1
table=cmake/Layers.cmake
[ -r "$table" ] || { echo "check-layers: $table not found" >&2; exit 2; }

declare -A dir_of layer_of_dir uses exc exc_used
layers=()
while read -r kind name folder rest; do
  case $kind in
    salesim_layer)
      layers+=("$name"); dir_of[$name]=$folder; layer_of_dir[$folder]=$name
      uses[$name]=" $rest " ;;
    salesim_layer_exception)
      exc["$name|$folder"]=1; exc_used["$name|$folder"]=0 ;;
  esac
done < <(sed -nE 's/^(salesim_layer|salesim_layer_exception)\(([^)]*)\).*$/\1 \2/p' "$table")
[ ${#layers[@]} -gt 0 ] || { echo "check-layers: no salesim_layer(...) lines in $table" >&2; exit 2; }

bad=0
problem() { echo "$1" >&2; bad=1; }
say() { [ $quiet -eq 1 ] || echo "$1"; }

for f in engine/*.c engine/*.h models/*.c models/*.h; do
  [ -e "$f" ] && problem "$f: not in a layer folder (move it into one listed in $table)"
done

n_edges=0
for layer in "${layers[@]}"; do
  d=${dir_of[$layer]}
  [ -d "$d" ] || { problem "$table: folder $d of layer $layer does not exist"; continue; }
  for f in "$d"/*.c "$d"/*.h; do
    [ -e "$f" ] || continue
    while IFS=: read -r line inc; do
      # resolve like the compiler: own folder first, then any layer folder,
      # then the public headers
      target=
      if [ -e "$d/$inc" ]; then
        target=$(realpath -m --relative-to=. "$d/$inc")
      else
        for other in "${layers[@]}"; do
          if [ -e "${dir_of[$other]}/$inc" ]; then
            target=$(realpath -m --relative-to=. "${dir_of[$other]}/$inc"); break
          fi
        done
        [ -z "$target" ] && [ -e "include/$inc" ] && continue
      fi
      if [ -z "$target" ]; then
        problem "$f:$line: #include \"$inc\" matches no file of a layer"; continue
      fi
      to=${layer_of_dir[$(dirname "$target")]:-}
      if [ -z "$to" ]; then
        problem "$f:$line: #include \"$inc\" is $target, outside every layer folder"; continue
      fi
      [ "$to" = "$layer" ] && continue
      n_edges=$((n_edges + 1))
      if [[ ${uses[$layer]} == *" $to "* ]]; then
        say "ok         $layer -> $to: $f:$line includes $target"
      elif [ -n "${exc["$f|$to"]:-}" ]; then
        exc_used["$f|$to"]=1
        say "EXCEPTION  $layer -> $to: $f:$line includes $target (temporary, $table)"
      else
        problem "$f:$line: #include \"$inc\" ($target): layer $layer may not include layer $to (allowed:${uses[$layer]}; table in $table)"
      fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
             sed -E 's/^([0-9]+):[^"]*"([^"]*)".*$/\1:\2/')
  done
done

# File-level rules inside the core layer: a mechanism depends on the world
# (models/core/world.h, mechanism.h), never on the loop, so no file outside
# models/core/ includes the loop's shared internals (sim_internal.h), and no
# mechanism or algorithm includes the loop's header (sim.h).
for layer in "${layers[@]}"; do
  d=${dir_of[$layer]}
  [ "$d" = models/core ] && continue
  for f in "$d"/*.c "$d"/*.h; do
    [ -e "$f" ] || continue
    while IFS=: read -r line inc; do
      if [ "$inc" = sim_internal.h ]; then
        problem "$f:$line: #include \"sim_internal.h\": internal to the loop's files in models/core/"
      elif [ "$inc" = sim.h ] && { [ "$d" = models/mechanisms ] || [ "$d" = models/algorithms ]; }; then
        problem "$f:$line: #include \"sim.h\": a mechanism depends on the world (world.h, mechanism.h), not on the loop"
      fi
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(sim|sim_internal)\.h"' "$f" |
             sed -E 's/^([0-9]+):[^"]*"([^"]*)".*$/\1:\2/')
  done
done

for k in "${!exc_used[@]}"; do
  if [ "${exc_used[$k]}" -eq 0 ]; then
    problem "$table: exception ${k%|*} -> layer ${k#*|} is no longer needed: delete its salesim_layer_exception line"
  fi
done

if [ $bad -ne 0 ]; then
  echo "check-layers: FAILED (allowed dependencies: $table, engine/README.md)" >&2
  exit 1
fi
say "check-layers: $n_edges includes cross a layer boundary; all allowed"
exit 0

#!/usr/bin/env bash
# The SPTE1xxx analyzers' share of a compile, timed on csc alone (issue 6, "Analyzer overhead").
# MSBuild's own start-up and evaluation scatter more than the analyzers cost, so this runs the
# exact csc command line MSBuild used for the 50,000-line project (taken from one
# analyzer-overhead.sh build) directly, ROUNDS times (default 12) in three configurations:
#   without   that command line without /analyzer:.../Spte.Analyzers.dll
#   with      the command line as MSBuild ran it
#   again     "with" once more: an A/A control, whose difference from "with" is the noise floor
# The order rotates every round (without-with-again, with-again-without, again-without-with), so
# no configuration always runs first or last. Each run is a fresh csc process (no compiler
# server), so the analyzers' JIT and first-use costs count, as in CI. Writes runs.csv (round,
# config, elapsed s, user s, sys s, Roslyn's "Total analyzer execution time" s, its figure for
# Spte.Analyzers.NonPresentAnalyzer s, empty without it) and prints the
# medians and the shares (analyzer-overhead-summary.py).
#   usage: analyzer-overhead-csc.sh [ROUNDS] [LINES] [DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-12}
lines=${2:-50000}
dir=${3:-/tmp/spte-analyzer-overhead}

# One MSBuild build of each configuration: writes the project, builds the analyzers and logs
# the csc command line.
bash "$here/analyzer-overhead.sh" 1 "$lines" "$dir" > "$dir.setup.log"
cmd=$(grep -m1 -E '^ +/\S+/csc /noconfig' "$dir/build-with-1.log" | sed 's/^ *//')
csc=${cmd%% *}
printf '%s\n' "${cmd#* }" > "$dir/with.rsp"
grep -q 'Spte.Analyzers.dll' "$dir/with.rsp" || { echo "no Spte.Analyzers in the csc command line" >&2; exit 1; }
sed -E 's#/analyzer:[^ ]*/Spte\.Analyzers\.dll##' "$dir/with.rsp" > "$dir/without.rsp"

cd "$dir"
echo "round,config,elapsed,user,sys,analyzers,spte" > runs.csv
orders=("without with again" "with again without" "again without with")
for round in $(seq 1 "$rounds"); do
  for config in ${orders[$(( (round - 1) % 3 ))]}; do
    rsp=with.rsp; [ "$config" = without ] && rsp=without.rsp
    TIMEFORMAT="%R %U %S"
    { time "$csc" "@$rsp" > "csc-$config-$round.log" ; } 2> "csc-$config-$round.time"
    if grep -qE 'warning SPTE|: error ' "csc-$config-$round.log"; then
      echo "csc reported SPTE warnings or errors: $dir/csc-$config-$round.log" >&2; exit 1
    fi
    analyzers=$(grep -m1 -Eo 'Total analyzer execution time: [0-9.]+' "csc-$config-$round.log" | grep -Eo '[0-9.]+$')
    spte=$(grep -m1 -E '^ +[0-9.<]+ +[0-9<]+ +Spte\.Analyzers\.NonPresentAnalyzer' "csc-$config-$round.log" | awk '{print $1}' || true)
    read -r elapsed user sys < "csc-$config-$round.time"
    echo "$round,$config,$elapsed,$user,$sys,$analyzers,$spte" >> runs.csv
    echo "round $round $config: elapsed $elapsed s, cpu $user + $sys s, analyzers $analyzers s, Spte $spte s, load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
python3 "$here/analyzer-overhead-summary.py" runs.csv

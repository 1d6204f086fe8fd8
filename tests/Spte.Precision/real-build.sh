#!/usr/bin/env bash
# A foreign repository's real build, with the packed toolkit injected (Spte.Inject.targets) and
# without it: `real-build.sh <Spte.Toolkit.nupkg> <project or solution> [dotnet build args...]`.
# Prints, per configuration, the Csc task's total time, Roslyn's figure for the toolkit
# (-p:ReportAnalyzer=true, summed over the projects built) and the SPTE/AD0001 lines the build printed.
# One node (-m:1) and --no-incremental, so each Csc runs alone and every project compiles.
set -euo pipefail
nupkg=$(realpath "$1"); project=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
toolkit=$(mktemp -d)
unzip -q "$nupkg" -d "$toolkit"
# Sums the first column of the log lines matching $1, divided by $2 (0 when none match).
sum() { { grep -E "$1" "$log" || true; } | awk -v d="$2" '{ s += $1 } END { print s / d }'; }
for config in without with; do
  inject=()
  [ "$config" = with ] && inject=("-p:CustomAfterMicrosoftCommonTargets=$here/Spte.Inject.targets" "-p:SpteToolkitDir=$toolkit")
  log=$(mktemp)
  start=$(date +%s.%N)
  dotnet build "$project" -c Release -m:1 --no-incremental -p:ReportAnalyzer=true -v:d -clp:PerformanceSummary "${inject[@]}" "$@" >"$log" 2>&1 || { tail -20 "$log"; exit 1; }
  end=$(date +%s.%N)
  csc=$(sum '^ +[0-9]+ ms +Csc +[0-9]+ calls' 1000)
  analyzer=$(sum '^ +[0-9.]+ +[0-9<]+ +Spte\.Analyzers\.NonPresentAnalyzer' 1)
  generator=$(sum '^ +[0-9.]+ +[0-9<]+ +Spte\.Generator\.SpteGenerator' 1)
  projects=$(grep -cE '^ +[0-9.]+ +[0-9<]+ +Spte\.Analyzers\.NonPresentAnalyzer' "$log" || true)
  findings=$(grep -E '(warning|error) (SPTE|AD0001)' "$log" | sort -u || true)
  echo "$config: build $(echo "$end - $start" | bc) s, Csc $csc s; NonPresentAnalyzer ${analyzer} s over $projects compilations, SpteGenerator ${generator} s; SPTE/AD0001 lines: $(grep -c . <<<"$findings" || true)"
  [ -n "$findings" ] && echo "$findings"
  rm -f "$log"
done
rm -rf "$toolkit"

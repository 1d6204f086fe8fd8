#!/usr/bin/env bash
# Which of NonPresentAnalyzer's rules costs the most. The three rules share one analyzer (so the
# slot data flow of a method is computed once), and Roslyn runs an analyzer's actions whenever any
# of its rules is enabled: setting one rule to none in .editorconfig saves nothing. Instead this
# copies analyzers/Spte.Analyzers to /tmp once per variant and keeps, in the analyzer's one
# operation action (NonPresentAnalyzer.Analyze, which dispatches on the operation kind), only the
# calls into one rule (raw: SPTE1001, table: SPTE1002, presence: SPTE1003, none: the action alone,
# dispatching to nothing; raw-entry/raw-store: one of SPTE1001's two entry points), builds them, and
# compiles the project of analyzer-overhead.sh (run that first) RUNS times (default 3) with each,
# printing NonPresentAnalyzer's line of the -p:ReportAnalyzer=true report.
#   usage: [VARIANTS="raw table ..."] analyzer-overhead-actions.sh [RUNS] [PROJECT_DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
runs=${1:-3}
project=${2:-/tmp/spte-analyzer-overhead}
work=/tmp/spte-analyzer-variants
source="$repo/analyzers/Spte.Analyzers"
# raw-entry and raw-store split SPTE1001 into its two actions (zero entry values; raw ulong stores).
variants=${VARIANTS:-raw raw-entry raw-store table presence none}

rm -rf "$work"
mkdir -p "$work/analyzers" "$work/generator/Spte.Generator"
cp "$repo/Directory.Build.props" "$repo/Directory.Packages.props" "$repo/global.json" "$work/"
cp -r "$repo/generator/Spte.Generator/Diagnostics" "$work/generator/Spte.Generator/"
for variant in $variants; do
  mkdir -p "$work/analyzers/$variant"
  (cd "$source" && tar cf - --exclude=bin --exclude=obj .) | tar xf - -C "$work/analyzers/$variant"
  # Drop the dispatcher's calls (one line each) into another rule's methods.
  python3 - "$work/analyzers/$variant/NonPresentAnalyzer.cs" "$variant" <<'PY'
import re, sys
path, keep = sys.argv[1], sys.argv[2]
rules = {'raw': 'RawZeroRule.', 'raw-entry': 'RawZeroRule.AnalyzeZeroEntry', 'raw-store': 'RawZeroRule.AnalyzeRawStore',
         'table': 'ZeroFilledTableRule.', 'presence': 'PresenceTestRule.'}
text = open(path).read()
calls = re.findall(r'\n *(?:RawZeroRule|ZeroFilledTableRule|PresenceTestRule)\.Analyze\w+\(context, scope\);', text)
assert len(calls) >= 3, 'NonPresentAnalyzer no longer dispatches to the rules this way'
for call in set(calls):
    if keep == 'none' or rules[keep] not in call:
        text = text.replace(call, '')
open(path, 'w').write(text)
PY
  # Unused rule methods are fine in a throwaway copy.
  dotnet build "$work/analyzers/$variant/Spte.Analyzers.csproj" -c Release -v q -nologo -p:TreatWarningsAsErrors=false > /dev/null
done

for run in $(seq 1 "$runs"); do
  for variant in $variants; do
    log="$project/build-action-$variant-$run.log"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    dotnet build "$project/Overhead.csproj" -c Release --no-restore --no-incremental -nologo -nodeReuse:false \
      -p:WithAnalyzers=true -p:SpteAnalyzers="$work/analyzers/$variant/bin/Release/netstandard2.0/Spte.Analyzers.dll" \
      -p:UseSharedCompilation=false -p:ReportAnalyzer=true -v d > "$log"
    printf 'run %s %-9s load %s: %s\n' "$run" "$variant" "$load" \
      "$(grep -E '^ +[0-9.<]+ +[0-9<]+ +Spte\.Analyzers\.NonPresentAnalyzer' "$log" | sed 's/^ *//')"
  done
done

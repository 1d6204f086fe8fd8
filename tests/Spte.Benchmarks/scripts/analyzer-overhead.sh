#!/usr/bin/env bash
# The SPTE1xxx analyzers' share of a real build (issue 6, "Analyzer overhead"): writes a ~50,000-line
# MMU-like project over two formats under /tmp (analyzer-overhead.py), then compiles it RUNS times
# (default 3) in each configuration, alternating:
#   without   attributes + generator
#   with      attributes + generator + Spte.Analyzers
#   with-noN  as "with", plus an .editorconfig that sets SPTE100N to none (per-rule experiment;
#             only when RULES=1 in the environment)
#   other     as "with", but with the Spte.Analyzers.dll at $COMPARE (another build of the
#             analyzers, e.g. a copy of the previous commit's; only when COMPARE is set)
# and prints, per run: the load average, MSBuild's "Time Elapsed", the Csc task's time, Roslyn's
# "Total analyzer/generator execution time", the build's CPU time, the Spte.Analyzers.NonPresentAnalyzer and
# Spte.Generator lines of the -p:ReportAnalyzer=true report, and the number of SPTE warnings.
#   usage: [RULES=1] [COMPARE=other/Spte.Analyzers.dll] analyzer-overhead.sh [RUNS] [LINES] [DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
runs=${1:-3}
lines=${2:-50000}
dir=${3:-/tmp/spte-analyzer-overhead}

# Referenced by path, built once: each timed build compiles only the generated project.
dotnet build "$repo/runtime/Spte.Annotations/Spte.Annotations.csproj" -c Release -v q -nologo
dotnet build "$repo/analyzers/Spte.Analyzers/Spte.Analyzers.csproj" -c Release -v q -nologo
rm -rf "$dir"
python3 "$here/analyzer-overhead.py" "$dir" "$lines" \
  "$repo/runtime/Spte.Annotations/bin/Release/net8.0/Spte.Annotations.dll" \
  "$repo/generator/Spte.Generator/bin/Release/netstandard2.0/Spte.Generator.dll" \
  "$repo/analyzers/Spte.Analyzers/bin/Release/netstandard2.0/Spte.Analyzers.dll"
dotnet restore "$dir/Overhead.csproj" -v q -nologo

configs="without with"
if [ "${RULES:-0}" = 1 ]; then configs="$configs with-no1001 with-no1002 with-no1003"; fi
if [ -n "${COMPARE:-}" ]; then configs="$configs other"; fi

for run in $(seq 1 "$runs"); do
  for config in $configs; do
    rm -f "$dir/.editorconfig"
    case $config in
      with-no*) printf 'root = true\n[*.cs]\ndotnet_diagnostic.SPTE%s.severity = none\n' "${config#with-no}" > "$dir/.editorconfig" ;;
    esac
    with=false; [ "$config" != without ] && with=true
    other=(); [ "$config" = other ] && other=(-p:SpteAnalyzers="$COMPARE")
    log="$dir/build-$config-$run.log"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    # --no-incremental: a full compile every time. No compiler server and no node reuse: each run
    # is a fresh csc, so the analyzers' JIT and first-use costs are counted, as in CI.
    # CPU seconds (user + sys of MSBuild and csc) vary less with the load than the elapsed time.
    TIMEFORMAT="cpu %U user + %S sys s"
    { time dotnet build "$dir/Overhead.csproj" -c Release --no-restore --no-incremental -nologo -nodeReuse:false \
      -p:WithAnalyzers=$with "${other[@]}" -p:UseSharedCompilation=false -p:ReportAnalyzer=true \
      -clp:PerformanceSummary -v d > "$log" ; } 2> "$log.cpu"
    echo "run $run $config (load average before $load, after $(cut -d' ' -f1-3 /proc/loadavg), log $log):"
    grep -E "Total (generator|analyzer) execution time" "$log" | sed 's/^ */  /'
    grep -E "^ +[0-9.<]+ +[0-9<]+ +Spte\.(Analyzers\.NonPresentAnalyzer|Generator\.SpteGenerator)( \(.*\))?$" "$log" | sed 's/^ */  /'
    grep -E "^ +[0-9]+ ms +Csc +[0-9]+ calls" "$log" | sed 's/^ */  task: /'
    echo "  SPTE warnings: $(grep -Eo 'warning SPTE[0-9]+' "$log" | sort -u | wc -l) distinct ids, $(grep -Ec 'warning SPTE[0-9]+' "$log") lines"
    grep -E "^ *Time Elapsed" "$log" | sed 's/^ */  build: /'
    sed 's/^/  /' "$log.cpu"
  done
done

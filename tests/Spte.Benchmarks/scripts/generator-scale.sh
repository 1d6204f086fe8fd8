#!/usr/bin/env bash
# The generator's time in a real build, as Roslyn reports it (-p:ReportAnalyzer=true -v d):
# writes a library with N formats (default 1000) under /tmp, references the generator and the
# attributes by path (the Release DLLs of tests/Spte.Benchmarks), compiles it RUNS times
# (default 3) and prints the generator lines of each compile.
#   usage: generator-scale.sh [FORMATS] [RUNS] [DIR]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
formats=${1:-1000}
runs=${2:-3}
dir=${3:-/tmp/spte-scale-$formats}
bench="$repo/tests/Spte.Benchmarks"

dotnet build "$bench/Spte.Benchmarks.csproj" -c Release -v q -nologo
dotnet "$bench/bin/Release/net10.0/Spte.Benchmarks.dll" emit-project "$dir" "$formats"
dotnet restore "$dir/Scale.csproj" -v q -nologo

for run in $(seq 1 "$runs"); do
  log="$dir/build-$run.log"
  # --no-incremental: compile every time. No compiler server and no MSBuild node reuse: each run is
  # a cold generator in a fresh csc, a child of this script (so it shares this script's priority).
  dotnet build "$dir/Scale.csproj" -c Release --no-restore --no-incremental -nologo -nodeReuse:false \
    -p:ReportAnalyzer=true -p:UseSharedCompilation=false -v d > "$log"
  echo "run $run ($formats formats, load average $(cut -d' ' -f1-3 /proc/loadavg), log $log):"
  # The report's lines: "Total ... execution time: N seconds." and "  <seconds>  <percent>  <name>".
  grep -E "Total (generator|analyzer) execution time|^ +[0-9.<]+ +[0-9<]+ +Spte\.Generator\.SpteGenerator$" "$log" | sed 's/^ */  /'
  grep -E "^ *Time Elapsed" "$log" | sed 's/^ */  build: /'
done

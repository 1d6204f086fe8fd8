#!/usr/bin/env bash
# The generator's time in a real build, as Roslyn reports it (-p:ReportAnalyzer=true -v d):
# writes a library with N formats (default 1000) under /tmp, references the generator and the
# attributes by path (the Release DLLs of tests/Spte.Benchmarks), compiles it RUNS times
# (default 3) and prints the generator lines of each compile.
#   usage: generator-scale.sh [FORMATS] [RUNS] [DIR] [MODE]
# MODE "cold" (default): no compiler server, a fresh csc per compile (the JIT and Roslyn's
# ReadyToRun code start cold every time). MODE "server": the compiler server that `dotnet build`
# uses by default, warmed by one untimed compile first, as in a developer's build loop.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
formats=${1:-1000}
runs=${2:-3}
dir=${3:-/tmp/spte-scale-$formats}
mode=${4:-cold}
bench="$repo/tests/Spte.Benchmarks"

case "$mode" in
  cold) compiler=(-p:UseSharedCompilation=false -nodeReuse:false) ;;
  server) compiler=(-p:UseSharedCompilation=true) ;;
  *) echo "generator-scale.sh: MODE must be cold or server, not '$mode'" >&2; exit 2 ;;
esac

dotnet build "$bench/Spte.Benchmarks.csproj" -c Release -v q -nologo
dotnet "$bench/bin/Release/net10.0/Spte.Benchmarks.dll" emit-project "$dir" "$formats"
dotnet restore "$dir/Scale.csproj" -v q -nologo

build() {
  # --no-incremental: compile every time. The SDK's own analyzers are off: they run after the
  # generators and only lengthen each compile (section 4e of docs/benchmarks.md measures them).
  dotnet build "$dir/Scale.csproj" -c Release --no-restore --no-incremental -nologo "${compiler[@]}" \
    -p:EnableNETAnalyzers=false -p:ReportAnalyzer=true -v d > "$1"
}

if [ "$mode" = server ]; then
  dotnet build-server shutdown > /dev/null
  build "$dir/build-warm-up.log"
fi

for run in $(seq 1 "$runs"); do
  log="$dir/build-$mode-$run.log"
  build "$log"
  echo "run $run ($formats formats, $mode, load average $(cut -d' ' -f1-3 /proc/loadavg), log $log):"
  # The report's lines: "Total ... execution time: N seconds." and "  <seconds>  <percent>  <name>".
  grep -E "Total generator execution time|^ +[0-9.<]+ +[0-9<]+ +Spte\.Generator\.SpteGenerator$" "$log" | sed 's/^ */  /'
  grep -E "^ *Time Elapsed" "$log" | sed 's/^ */  build: /'
done

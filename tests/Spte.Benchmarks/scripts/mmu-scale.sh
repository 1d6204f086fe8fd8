#!/usr/bin/env bash
# The runtime's MMU against the C reference in one run: builds tdp_ref.c and tdp_kvm_sync.c (the
# same work plus the locked operations KVM performs on that path) with cc -O2 into /tmp, runs each
# twice, runs `Spte.Benchmarks mmu-scale` (two passes per figure; it keeps the best of each side,
# merges the C figures into its CSV and prints runtime/C ratios and growth 1K -> 1M), and plots
# per-fault cost against mapped pages.
#   usage: mmu-scale.sh [TDP_REF_C] [OUT_DIR] [PNG]
#   defaults: ../shared/anchors/tdp_ref.c relative to the repository root, /tmp/spte-mmu-scale,
#             docs/benchmarks-fault-cost.png
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
ref=$(realpath "${1:-$repo/../shared/anchors/tdp_ref.c}")
out=${2:-/tmp/spte-mmu-scale}
png=${3:-$repo/docs/benchmarks-fault-cost.png}
bench="$repo/tests/Spte.Benchmarks"
mkdir -p "$out"

cc -O2 -o "$out/tdp_ref" "$ref"
cc -O2 -o "$out/tdp_kvm_sync" "$repo/tests/Spte.Benchmarks/scripts/tdp_kvm_sync.c"
dotnet build "$bench/Spte.Benchmarks.csproj" -c Release -v q -nologo

for run in 1 2; do
  echo "== C reference ($ref, cc -O2), run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$out/tdp_ref" | tee "$out/c-$run.txt"
  echo "== C with KVM's locked operations (tdp_kvm_sync.c, cc -O2), run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  "$out/tdp_kvm_sync" | tee "$out/c-sync-$run.txt"
done
echo "== runtime (DOTNET_TieredCompilation=0: fully optimised code from the first call)"
# With tiering on, a run once measured EPT at 1K-10K pages with code not yet at tier 1 (8x slower)
# despite the warm-up; compiling fully optimised up front makes every size use the same code.
DOTNET_TieredCompilation=0 dotnet "$bench/bin/Release/net10.0/Spte.Benchmarks.dll" mmu-scale "$out/results.csv" \
  "$out/c-1.txt" "$out/c-2.txt" "C-sync=$out/c-sync-1.txt" "C-sync=$out/c-sync-2.txt"
dotnet "$bench/bin/Release/net10.0/Spte.Benchmarks.dll" mmu-plot "$out/results.csv" "$png"

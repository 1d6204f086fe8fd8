#!/usr/bin/env bash
# Why the runtime's walks and faults cost far more than C's at 100K-1M random gfns (issue 6): runs
# tdp_kvm_sync.c (C with KVM's locked operations) as it is, with each walk inside an xchg-entered
# read section (WALK_FENCE=1, as the runtime's simulated CPU walks), and with each walk followed
# by 40 and 120 dependent multiplies (WALK_WORK, no memory access: a walk with more work to do),
# and prints the full fault and walk figures per size: which of the two, a fence or more work per
# walk, stops the cache misses of successive walks from overlapping at 100K-1M random gfns.
#   usage: walk-overlap.sh [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/spte-walk-overlap}
mkdir -p "$out"
for variant in "plain" "WALK_FENCE=1" "WALK_WORK=40" "WALK_WORK=120"; do
  flags=(); [ "$variant" != plain ] && flags=(-D"$variant")
  cc -O2 "${flags[@]}" -o "$out/tdp_kvm_sync" "$here/tdp_kvm_sync.c"
  echo "== $variant (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  "$out/tdp_kvm_sync" | sed -nE 's/^(\w+) n=([0-9]+) fault ([0-9.]+) ns\/fault .* walk ([0-9.]+) ns\/access.*/  \1 n=\2: full fault \3 ns, walk \4 ns/p'
done

#!/usr/bin/env bash
# Regenerates every Brian2 reference file in test/reference/ (or in the directory given as
# the first argument), one script after the other (they are not run in parallel).
# Needs Debian's python3-brian (Brian2 2.5.1) under /usr/bin/python3 and g++ for the C++
# standalone scripts (network_stats.py, cotuning_tuning.py, coba_bench.py). About 8-9 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-test/reference}"
py=/usr/bin/python3
if ! "$py" -c 'import brian2' >/dev/null 2>&1; then
  echo "run_all: $py cannot import brian2; install Debian's python3-brian (scripts/setup-test.sh)" >&2
  exit 1
fi
for name in stp_ppr lif_trace plasticity network_stats cotuning_tuning; do
  echo "== $name"
  start=$(date +%s)
  "$py" "scripts/reference/$name.py" --out "$out"
  echo "   $name: $(($(date +%s) - start)) s"
done
echo "== coba_bench (N 4000, 1 s)"
"$py" scripts/reference/coba_bench.py --N 4000 --duration 1 --out "$out"

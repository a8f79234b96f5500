#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, with .dev/kit carried there
# (bench/device/kit.sh): unpacks Node.js, dawn.node and the Vulkan loader, then
#   1. the GPU parity check (scripts/gpu-parity.ts) -> $OUT/parity.log
#   2. the GPU benchmarks (`bench --lab spiking-gpu --write`, or the arguments given)
#      -> $OUT/bench.log and $OUT/BENCHMARKS.md
# Every line is written as it comes (tee), so a run cut off by its time limit still leaves
# what it measured. Usage: bash .dev/kit/run.sh [bench arguments ...]
set -uo pipefail
cd "$(dirname "$0")/../.."
kit=.dev/kit
out="${OUT:-/tmp/eilab-out}"
mkdir -p "$out" /tmp/eilab-bin
gunzip -c "$kit/node.gz" >/tmp/eilab-bin/node && chmod +x /tmp/eilab-bin/node
gunzip -kf "$kit/b/node_modules/webgpu/dist/linux-x64/dawn.node.gz"
for f in "$kit"/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json \
    /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
  done
fi
echo "vulkan driver: ${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-loader default}}"
nvidia-smi -L 2>/dev/null || true
node=/tmp/eilab-bin/node
echo "== parity $(date -u +%T)"
"$node" "$kit/b/gpu-parity.mjs" 2>&1 | tee "$out/parity.log"
echo "== bench $(date -u +%T)"
if [ $# -eq 0 ]; then set -- --lab spiking-gpu --write; fi
"$node" "$kit/b/run.mjs" "$@" 2>&1 | tee "$out/bench.log"
cp BENCHMARKS.md "$out/" 2>/dev/null || true
echo "== done $(date -u +%T)"

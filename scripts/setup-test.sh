#!/usr/bin/env bash
# Installs what the tests need on a bare Debian machine: Chromium (its SwiftShader Vulkan
# driver runs WebGPU without a GPU, for Dawn in Node and for the browser tests), the Vulkan
# loader, Brian2 for /usr/bin/python3 (Debian's python3-brian: test/reference reruns the
# reference scripts of scripts/reference/), and the npm packages. Safe to run again: it
# installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || need+=(libvulkan1)
/usr/bin/python3 -c 'import brian2' >/dev/null 2>&1 || need+=(python3-brian)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -f /usr/lib/chromium/vk_swiftshader_icd.json ]; then
  echo "setup: /usr/lib/chromium/vk_swiftshader_icd.json is missing (Debian's chromium ships it)" >&2
  exit 1
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

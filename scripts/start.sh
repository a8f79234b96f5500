#!/usr/bin/env bash
# Installs EI Lab's npm packages (if needed) and starts the lab; Vite prints the local address.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
echo "EI Lab: open the address below in a browser with WebGPU (Chrome/Edge 113+); Ctrl-C stops it."
exec npx vite --host 127.0.0.1 --port "${PORT:-5173}"

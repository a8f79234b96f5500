#!/usr/bin/env bash
# Installs what the tests need (scripts/setup-test.sh), then runs every test: type check,
# lint, unit + parity + lab-claim tests (Vitest, WebGPU through Dawn on SwiftShader) and the
# end-to-end browser tests (headless Chromium with WebGPU).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test.sh
export VK_ICD_FILENAMES="${VK_ICD_FILENAMES:-/usr/lib/chromium/vk_swiftshader_icd.json}"
echo "== type check"; npx tsc -p tsconfig.json --noEmit
echo "== lint"; npx eslint . --max-warnings 0
echo "== format"; npx prettier --check . --log-level warn
echo "== unit, parity and lab tests"; npx vitest run
if [ -f vitest.e2e.config.ts ]; then
  echo "== end-to-end (Chromium + WebGPU)"; npx vite build --logLevel warn && npx vitest run --config vitest.e2e.config.ts
fi

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
report=$(mktemp -d)
echo "== unit, parity and lab tests"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report/unit.json"
echo "== end-to-end (Chromium + WebGPU)"
npx vite build --logLevel warn
npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json="$report/e2e.json"
# One closing line for both runs (the runs above stop the script on any failure).
node -e '
  const fs = require("fs");
  let p = 0, f = 0;
  for (const file of process.argv.slice(1)) {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    p += r.numPassedTests; f += r.numFailedTests;
  }
  console.log(`tests: ${p} passed, ${f} failed`);
' "$report/unit.json" "$report/e2e.json"

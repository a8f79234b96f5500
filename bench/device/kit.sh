#!/usr/bin/env bash
# Builds .dev/kit/: what a bare GPU machine with no Node.js and no package registry needs to run
# the GPU benchmarks and the GPU parity check of this working tree (bench/device/run.sh), in
# under 64 MiB:
#   node.gz          this machine's Node.js binary (gzip: every image has gunzip)
#   b/*.mjs          esbuild bundles of bench/run.ts and scripts/gpu-parity.ts; the only import
#                    left is `webgpu`, and the WGSL is read from ../../../shaders/ (the working
#                    tree's, see src/engine/webgpu/shaders.ts), so the bundles sit three levels
#                    below the repository root
#   b/node_modules/webgpu/   the package's index.js and its linux-x64 dawn.node only (gzip)
#   gl/*.deb         the Vulkan loader and GL/EGL stubs Dawn opens (Debian's, amd64)
# Usage: bash bench/device/kit.sh  (then carry .dev/kit; .dev/ is in .gitignore)
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.dev/kit
rm -rf "$kit"
mkdir -p "$kit/b/node_modules/webgpu/dist/linux-x64" "$kit/gl"
gzip -6 -c "$(command -v node)" >"$kit/node.gz"
for entry in bench/run.ts scripts/gpu-parity.ts; do
  npx esbuild "$entry" --bundle --platform=node --format=esm --target=node20 \
    --external:webgpu --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" \
    --outfile="$kit/b/$(basename "$entry" .ts).mjs"
done
w=node_modules/webgpu
cp "$w/package.json" "$w/index.js" "$kit/b/node_modules/webgpu/"
gzip -6 -c "$w/dist/linux-x64/dawn.node" >"$kit/b/node_modules/webgpu/dist/linux-x64/dawn.node.gz"
# Debian's packages for amd64 whatever this machine's own lists say (its own state untouched)
lists=$(mktemp -d)
mkdir -p "$lists/partial"
o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${o[@]}" -qq update
(cd "$kit/gl" && apt-get "${o[@]}" -qq download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
rm -rf "$lists"
cp bench/device/run.sh "$kit/"
du -sh "$kit"

// End-to-end tests: the built app (dist/, from `npx vite build`) served on 127.0.0.1 and
// driven in Debian's Chromium (headless, WebGPU on SwiftShader) with playwright-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 150_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});

// Vitest runs unit, parity and lab-claim tests in Node. WebGPU in Node comes from Dawn (npm
// `webgpu`) on SwiftShader's Vulkan driver; the driver must be named in the environment of
// the process that starts the workers, so it is set here, before any worker exists.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES) process.env.VK_ICD_FILENAMES = swiftshader;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default (CPUs − 1) is one worker on CI's 2 cores, and one lab-claim file
    // (assemblies.fig4, ~6 min) then serialises the run: two workers take 8 min instead of 13.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});

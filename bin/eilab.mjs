#!/usr/bin/env node
// The `eilab` command: loads tsx's ESM loader in this process and runs the TypeScript CLI
// (src/cli/main.ts). Works from the repository after `npm ci`: `npx eilab list`.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

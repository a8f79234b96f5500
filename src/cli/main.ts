/**
 * Entry point of the `eilab` command (bin/eilab.mjs loads it through tsx; `npm run eilab`
 * runs it directly). All logic lives in runCli (cli.ts).
 */
import process from 'node:process';
import { runCli } from './cli';
import { processIo } from './io';

const code = await runCli(process.argv.slice(2), processIo);
// Let stdout/stderr drain, then exit (a WebGPU device could otherwise keep the process alive).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

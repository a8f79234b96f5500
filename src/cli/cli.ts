/**
 * The EI Lab command line: `eilab list`, `eilab run <lab> …`, `eilab --help`.
 * runCli never throws and never prints a stack trace (unless EILAB_DEBUG=1): it returns the
 * exit code (see EXIT in io.ts and docs/CLI.md). Tests call it in-process with memoryIo().
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { CliError, EXIT, processIo, type CliIo } from './io';
import { listJson, listText } from './list';
import { executeRun, resolveRun, summaryText } from './run';
import { LAB_RUNNERS } from './labRunners';

export const MAIN_HELP = `eilab: EI Lab from the command line (excitatory–inhibitory rate networks and their plasticity)

Usage:
  eilab list [--json]                 labs, presets and parameters (units, ranges, defaults, sources)
  eilab run <lab> [options]           run an experiment and print its summary
  eilab run --help                    the run options
  eilab --help | --version

Examples:
  eilab run isn --preset paradoxical
  eilab run isn --preset cross-homeostatic --json
  eilab run isn --preset multi-start --set rule=homeostatic --out results/homeo-grid
  eilab run isn --url 'http://127.0.0.1:5173/#v=1&lab=isn&seed=3&rule=cross&W_EE=3'

Exit codes: 0 ok, 1 failure, 2 bad command line or input, 3 simulation blew up, 4 backend unavailable.
`;

export const RUN_HELP = `Usage: eilab run <lab> [options]

Parameters are applied in this order: defaults → --url → --preset → --set.

Options:
  --preset ID          start from a preset (eilab list shows them)
  --set NAME=VALUE     set a parameter (repeatable); validated against the lab's table;
                       a nullable number accepts "auto"; booleans accept true/false
  --seed N             random seed, an integer in 0…4294967295 (default 1, or the link's)
  --backend B          cpu (default), webgpu (Dawn in Node) or auto (WebGPU, else CPU)
  --url LINK           a share link from the app (or its #… part); its problems are warnings
  --out DIR            write DIR/summary.json, DIR/history.csv, DIR/monitor.csv
                       (and DIR/units.csv for the multi-unit model)
  --json               print the summary as one JSON object on the last line of stdout
  -h, --help           this text

Progress is drawn on stderr when it is a terminal; stdout carries only the summary.
`;

function version(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function parse(
  argv: string[],
  options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>,
) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CliError(msg);
  }
}

async function cmdList(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out('Usage: eilab list [--json]\n\nLists the labs, their presets and their parameters.\n');
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new CliError(`list takes no arguments (got "${positionals[0]}")`);
  io.out(values.json ? JSON.stringify(listJson()) + '\n' : listText());
  return EXIT.ok;
}

async function cmdRun(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    preset: { type: 'string' },
    set: { type: 'string', multiple: true },
    seed: { type: 'string' },
    backend: { type: 'string' },
    url: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.out(RUN_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0)
    throw new CliError(
      'run: which lab? e.g. `eilab run isn --preset paradoxical` (`eilab list` shows the labs)',
    );
  if (positionals.length > 1)
    throw new CliError(
      `run: unexpected argument "${positionals[1]}" (parameters go in --set NAME=VALUE)`,
    );
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const resolved = resolveRun({
    lab: positionals[0],
    preset: str(values.preset),
    sets: Array.isArray(values.set) ? values.set.map(String) : undefined,
    seed: str(values.seed),
    backend: str(values.backend),
    url: str(values.url),
  });
  for (const w of resolved.warnings) io.err(`warning: ${w}\n`);
  const outDir = str(values.out);
  if (outDir !== undefined && outDir.trim() === '')
    throw new CliError('--out: empty directory name');
  const labRunner = LAB_RUNNERS[resolved.lab.id];
  if (labRunner) {
    const runner = await labRunner();
    const { summary, files } = await runner.execute(resolved, io, outDir);
    for (const f of files) io.err(`wrote ${f}\n`);
    io.out(values.json ? JSON.stringify(summary) + '\n' : runner.text(summary));
    return EXIT.ok;
  }
  const { summary, files } = await executeRun(resolved, io, outDir);
  for (const f of files) io.err(`wrote ${f}\n`);
  io.out(values.json ? JSON.stringify(summary) + '\n' : summaryText(summary));
  return EXIT.ok;
}

/** Run the CLI with arguments argv (without node and the script); returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined) {
      io.err(MAIN_HELP);
      return EXIT.usage;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      if (rest[0] === 'run') io.out(RUN_HELP);
      else io.out(MAIN_HELP);
      return EXIT.ok;
    }
    if (cmd === '--version' || cmd === '-v') {
      io.out(`eilab ${version()}\n`);
      return EXIT.ok;
    }
    if (cmd === 'list') return await cmdList(rest, io);
    if (cmd === 'run') return await cmdRun(rest, io);
    throw new CliError(`unknown command "${cmd.slice(0, 40)}"; commands: list, run (eilab --help)`);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`eilab: ${e.message}\n`);
      return e.code;
    }
    const msg = e instanceof Error ? e.message : String(e);
    io.err(`eilab: unexpected error: ${msg}\n`);
    if (process.env.EILAB_DEBUG && e instanceof Error && e.stack) io.err(e.stack + '\n');
    else io.err('(set EILAB_DEBUG=1 for details)\n');
    return EXIT.failure;
  }
}

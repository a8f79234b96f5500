/**
 * The CLI's I/O seam: runCli writes through this interface so tests can run it in-process
 * and capture stdout/stderr without spawning.
 */
import process from 'node:process';
import type { Backend } from '../engine/backend';

export interface CliIo {
  /** write to stdout (the text includes its newlines) */
  out(text: string): void;
  /** write to stderr */
  err(text: string): void;
  /** stderr is a terminal: progress bars are drawn only then */
  errIsTTY: boolean;
  /** terminal width for the progress bar */
  columns?: number;
  /** tests: replaces backend acquisition (kind is what --backend/the link asked for) */
  createBackend?: (kind: 'cpu' | 'webgpu' | 'auto') => Promise<{ backend: Backend; label: string }>;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  errIsTTY: !!process.stderr.isTTY,
  columns: process.stderr.columns,
};

/** A captured I/O for tests: everything written, as strings. */
export function memoryIo(
  opts: { errIsTTY?: boolean } = {},
): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    errIsTTY: opts.errIsTTY ?? false,
    columns: 80,
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

/** Exit codes (documented in docs/CLI.md). */
export const EXIT = {
  ok: 0,
  /** unexpected failure (a bug, a file that cannot be written) */
  failure: 1,
  /** bad command line: unknown command/lab/preset/parameter, bad value, malformed link */
  usage: 2,
  /** the simulation blew up (non-finite rates or weights) */
  blowUp: 3,
  /** the requested backend is unavailable (e.g. no WebGPU adapter) or cannot run the configuration */
  backend: 4,
} as const;

/** Thrown inside the CLI to stop with a message and an exit code (never shown as a stack). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
  }
}

/**
 * Write the run's files into outDir (created when missing); returns their paths. A file that
 * cannot be written is a CliError (exit 1) naming the directory.
 */
export async function writeOutFiles(
  outDir: string,
  files: readonly (readonly [name: string, text: string])[],
): Promise<string[]> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const written: string[] = [];
  try {
    await mkdir(outDir, { recursive: true });
    for (const [name, text] of files) {
      const path = join(outDir, name);
      await writeFile(path, text);
      written.push(path);
    }
  } catch (e) {
    throw new CliError(
      `--out ${outDir}: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.failure,
    );
  }
  return written;
}

/**
 * Lab-specific CLI runners: `eilab run <lab>` hands a resolved run to the lab's runner, which
 * builds the experiment on the chosen backend and returns its summary (and the files it wrote
 * with --out). The ISN lab's runner lives in run.ts; the others are loaded on demand so that
 * `eilab list` does not pull in every engine.
 */
import type { CliIo } from './io';
import type { ResolvedRun } from './run';

export interface LabRunOutput {
  summary: object;
  files: string[];
}

export interface LabRunner {
  execute(r: ResolvedRun, io: CliIo, outDir?: string): Promise<LabRunOutput>;
  /** the summary as text for the terminal */
  text(summary: LabRunOutput['summary']): string;
}

export const LAB_RUNNERS: Record<string, () => Promise<LabRunner>> = {
  assemblies: async () => {
    const m = await import('./runAsm');
    return {
      execute: m.executeAsmRun,
      text: (s) => m.asmSummaryText(s as Parameters<typeof m.asmSummaryText>[0]),
    };
  },
  cotuning: async () => (await import('./runCotuning')).cotuningRunner,
  reduced: async () => (await import('./runReduced')).reducedRunner,
  coba: async () => (await import('./runCoba')).cobaRunner,
  stp: async () => (await import('./runStp')).stpRunner,
};

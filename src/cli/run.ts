/**
 * `eilab run <lab> …`: resolves the parameters (defaults → --url → --preset → --set), runs the
 * experiment on the chosen backend and writes the summary and CSV files.
 */
import { checkValue, clip, defaults, parseText, type ParamValues } from '../model/params';
import { LABS, findLab, type LabInfo } from '../labs/registry';
import { decodeShareState, encodeShareState, MAX_SEED } from '../state/url';
import type { Backend } from '../engine/backend';
import { BackendLimitError } from '../engine/backend';
import { acquireBackend } from '../engine/acquire';
import { runIsn, SimulationBlowUp } from '../labs/isn/runner';
import { historyCsv, isnSummary, monitorCsv, unitsCsv, type IsnSummary } from '../labs/isn/summary';
import { CliError, EXIT, writeOutFiles, type CliIo } from './io';
import { progressBar } from './progress';

export type CliBackend = 'cpu' | 'webgpu' | 'auto';

export interface RunRequest {
  lab: string;
  preset?: string;
  sets?: string[];
  seed?: string;
  backend?: string;
  url?: string;
}

export interface ResolvedRun {
  lab: LabInfo;
  values: ParamValues;
  seed: number;
  backend: CliBackend;
  preset: string | null;
  /** the backend was named (by --backend or the link), so the share link names it too */
  backendExplicit: boolean;
  /** non-fatal problems (from the link) */
  warnings: string[];
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length][b.length];
}

export function suggest(name: string, candidates: readonly string[]): string {
  const lower = name.toLowerCase();
  let best = '';
  let bd = Infinity;
  for (const c of candidates) {
    const dd = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (dd < bd) {
      bd = dd;
      best = c;
    }
  }
  return best && bd <= Math.max(2, Math.floor(name.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** The hash part of a share link: a full address (…#v=1&…), "#v=1&…" or "v=1&…". */
export function linkHash(link: string): string {
  const t = link.trim();
  const hash = t.indexOf('#');
  if (hash >= 0) return t.slice(hash + 1);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) {
    const q = t.indexOf('?');
    if (q >= 0) return t.slice(q + 1);
    throw new CliError(`--url: "${clip(t, 60)}" has no #… part with the run's settings`);
  }
  return t;
}

/** Apply defaults → --url → --preset → --set and validate; throws CliError (exit 2) on bad input. */
export function resolveRun(req: RunRequest): ResolvedRun {
  const lab = findLab(req.lab);
  if (!lab)
    throw new CliError(
      `unknown lab "${clip(req.lab)}"${suggest(
        req.lab,
        LABS.map((l) => l.id),
      )}; labs: ${LABS.map((l) => l.id).join(', ')}`,
    );
  const warnings: string[] = [];
  let values = defaults(lab.params);
  let seed = 1;
  let backend: CliBackend = 'cpu';
  let preset: string | null = null;
  let backendExplicit = false;

  if (req.url !== undefined) {
    const hash = linkHash(req.url);
    if (!/(^|&)[^=&]+=/.test(hash))
      throw new CliError(
        `--url: "${clip(req.url, 60)}" is not an EI Lab share link (no key=value fields)`,
      );
    const { state, errors } = decodeShareState(hash);
    const fatal = errors.find((e) => /link is too long|could not be read/.test(e));
    if (fatal) throw new CliError(`--url: ${fatal}`);
    const labInLink = new URLSearchParams(hash.length > 20000 ? '' : hash).get('lab');
    if (labInLink !== null && labInLink !== lab.id)
      throw new CliError(`--url: the link is for lab "${clip(labInLink)}", not "${lab.id}"`);
    for (const e of errors) warnings.push(`--url: ${e}`);
    values = { ...state.values };
    seed = state.seed;
    if (state.backend !== 'auto') {
      backend = state.backend;
      backendExplicit = true;
    }
    preset = state.preset;
  }

  if (req.preset !== undefined) {
    const p = lab.presets.find((x) => x.id === req.preset);
    if (!p)
      throw new CliError(
        `unknown preset "${clip(req.preset)}" for lab ${lab.id}${suggest(
          req.preset,
          lab.presets.map((x) => x.id),
        )}; presets: ${lab.presets.map((x) => x.id).join(', ')}`,
      );
    const byName = new Map(lab.params.map((s) => [s.name, s]));
    for (const [k, v] of Object.entries(p.values)) {
      const spec = byName.get(k);
      if (!spec) throw new CliError(`preset ${p.id} sets unknown parameter "${k}"`, EXIT.failure);
      const r = checkValue(spec, v);
      if ('error' in r) throw new CliError(`preset ${p.id}: ${r.error}`, EXIT.failure);
      values[k] = r.value;
    }
    preset = p.id;
  }

  const names = lab.params.map((p) => p.name);
  for (const s of req.sets ?? []) {
    const eq = s.indexOf('=');
    if (eq <= 0)
      throw new CliError(`--set "${clip(s)}": expected NAME=VALUE (e.g. --set W_EE=2.5)`);
    const name = s.slice(0, eq).trim();
    const text = s.slice(eq + 1);
    const spec = lab.params.find((p) => p.name === name);
    if (!spec)
      throw new CliError(
        `--set: unknown parameter "${clip(name)}" of lab ${lab.id}${suggest(name, names)}; see \`eilab list\``,
      );
    const r = parseText(spec, text);
    if ('error' in r) {
      const allowed = spec.kind === 'enum' ? '' : ` (allowed: ${rangeHint(spec)})`;
      throw new CliError(`--set: ${r.error}${allowed}`);
    }
    values[name] = r.value;
  }

  const cross = lab.crossCheck(values);
  if (cross.length > 0)
    throw new CliError(cross.map((e) => `${e.fields.join(', ')}: ${e.message}`).join('; '));

  if (req.seed !== undefined) {
    const t = req.seed.trim();
    if (!/^\d{1,10}$/.test(t) || Number(t) > MAX_SEED)
      throw new CliError(`--seed: "${clip(req.seed)}" is not an integer in 0…${MAX_SEED}`);
    seed = Number(t);
  }
  if (req.backend !== undefined) {
    if (req.backend !== 'cpu' && req.backend !== 'webgpu' && req.backend !== 'auto')
      throw new CliError(`--backend: "${clip(req.backend)}" is not cpu, webgpu or auto`);
    backend = req.backend;
    backendExplicit = true;
  }
  return { lab, values, seed, backend, preset, backendExplicit, warnings };
}

function rangeHint(spec: LabInfo['params'][number]): string {
  if (spec.kind === 'bool') return 'true or false';
  if (spec.kind === 'enum') return spec.options.join(', ');
  if (spec.kind === 'text') return `${spec.syntax}, e.g. ${spec.example}`;
  return `${spec.kind === 'int' ? 'integer ' : ''}${spec.min} … ${spec.max}${spec.unit ? ' ' + spec.unit : ''}${spec.nullable ? ', or auto' : ''}`;
}

/** Acquire the backend; WebGPU in Node comes from src/engine/webgpu/node.ts (Dawn). */
export async function cliBackend(
  kind: CliBackend,
  io: CliIo,
): Promise<{ backend: Backend; label: string }> {
  if (io.createBackend) return io.createBackend(kind);
  if (kind === 'cpu') {
    const { backend } = await acquireBackend('cpu');
    return { backend, label: 'cpu' };
  }
  let gpu: GPU | null = null;
  let reason = '';
  try {
    const { nodeGpu } = await import('../engine/webgpu/node');
    gpu = await nodeGpu();
  } catch (e) {
    reason = e instanceof Error ? e.message : String(e);
  }
  if (gpu) {
    try {
      const { backend } = await acquireBackend('webgpu', {
        gpu,
        onDeviceLost: (r) => io.err(`warning: GPU device lost: ${r}\n`),
      });
      return { backend, label: 'webgpu' };
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
  }
  if (kind === 'webgpu')
    throw new CliError(
      `WebGPU backend unavailable: ${reason || 'no GPU'} (use --backend cpu)`,
      EXIT.backend,
    );
  io.err(`warning: WebGPU unavailable (${reason || 'no GPU'}); running on the CPU\n`);
  const { backend } = await acquireBackend('cpu');
  return { backend, label: 'cpu' };
}

export interface RunOutput {
  summary: IsnSummary & { preset: string | null; link: string };
  files: string[];
}

/** Run a resolved experiment; writes files under outDir when given. */
export async function executeRun(r: ResolvedRun, io: CliIo, outDir?: string): Promise<RunOutput> {
  const { backend, label } = await cliBackend(r.backend, io);
  const v = r.values;
  const trials = Number(v.trials);
  io.err(
    `eilab: ${r.lab.id}${r.preset ? ` (preset ${r.preset})` : ''}: ${String(v.model)}, rule ${String(v.rule)}, ${trials} trial${trials === 1 ? '' : 's'}, seed ${r.seed}, ${backend.label}\n`,
  );
  const bar = progressBar(io, 'trials');
  let result;
  try {
    result = await runIsn(backend, v, r.seed, {
      readEvery: 1,
      onProgress: (p) => bar.update(p.trial + 1, p.trials),
    });
  } catch (e) {
    bar.finish();
    if (e instanceof SimulationBlowUp)
      throw new CliError(`the simulation blew up: ${e.message}`, EXIT.blowUp);
    if (e instanceof BackendLimitError)
      throw new CliError(`backend ${label}: ${e.message}`, EXIT.backend);
    throw e;
  } finally {
    backend.dispose();
  }
  bar.finish();
  const link = encodeShareState({
    lab: r.lab.id,
    preset: r.preset,
    seed: r.seed,
    values: v,
    view: null,
    backend: r.backendExplicit ? r.backend : 'auto',
  });
  const summary = {
    ...isnSummary(result, v, { backend: label, seed: r.seed }),
    preset: r.preset,
    link: `#${link}`,
  };
  const files =
    outDir === undefined
      ? []
      : await writeOutFiles(outDir, [
          ['summary.json', JSON.stringify(summary, null, 2) + '\n'],
          ['history.csv', historyCsv(result)],
          ['monitor.csv', monitorCsv(result)],
          ...(v.model === 'multi-unit' ? [['units.csv', unitsCsv(result)] as const] : []),
        ]);
  return { summary, files };
}

const fmt = (x: number | null | undefined, d = 4) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(d)));

/** A few human-readable lines (stdout without --json). */
export function summaryText(s: RunOutput['summary']): string {
  const L: string[] = [];
  L.push(
    `lab ${s.lab}${s.preset ? `, preset ${s.preset}` : ''}: ${s.model}, rule ${s.rule}, ${s.trials} trials, seed ${s.seed}, backend ${s.backend}`,
  );
  L.push(
    `E_final ${fmt(s.E_final)} Hz (set ${s.E_set}), I_final ${fmt(s.I_final)} Hz (set ${s.I_set})${s.converged ? ', converged (1%)' : ''}`,
  );
  L.push(
    `W_final EE ${fmt(s.W_final.EE)}, EI ${fmt(s.W_final.EI)}, IE ${fmt(s.W_final.IE)}, II ${fmt(s.W_final.II)}`,
  );
  if (s.converged_fraction !== undefined)
    L.push(
      `networks ${s.networks}, converged fraction ${fmt(s.converged_fraction, 3)} (|E−E_set| < 1% and |I−I_set| < 1%)`,
    );
  if (s.E_units_final && s.I_units_final) {
    const mm = (a: number[]) => `${fmt(Math.min(...a))} … ${fmt(Math.max(...a))}`;
    L.push(`unit averages: E ${mm(s.E_units_final)} Hz, I ${mm(s.I_units_final)} Hz`);
  }
  if (s.fixed_point)
    L.push(
      `analytic fixed point E ${fmt(s.fixed_point.E)}, I ${fmt(s.fixed_point.I)} (${s.fixed_point.upState ? 'Up state' : 'no Up state'}); ${s.paradoxical ? 'paradoxical (W_EE·g_E > 1)' : 'not paradoxical'}; neural subsystem ${s.neural_stable ? 'stable' : 'unstable'}`,
    );
  if (s.I_pre_opto !== undefined)
    L.push(
      `opto: E ${fmt(s.E_pre_opto)} → ${fmt(s.E_during_opto)} Hz, I ${fmt(s.I_pre_opto)} → ${fmt(s.I_during_opto)} Hz; paradoxical effect ${s.paradoxical_effect_observed === null ? 'n/a' : s.paradoxical_effect_observed ? 'observed' : 'not observed'}`,
    );
  L.push(`share link: ${s.link}`);
  return L.join('\n') + '\n';
}

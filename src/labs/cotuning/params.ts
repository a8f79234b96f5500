/**
 * Co-tuning lab parameters (Giannakakis, Vinogradov, Buendía & Levina 2023). Values and their
 * sources: ../shared/spec/cotuning-giannakakis2023.md (the paper's Methods IV and the
 * authors' Brian2 code, MGiannakakis/Network_Assemblies_and_STDP).
 */
import type { CrossError, NumberParam, ParamSpec, ParamValues } from '../../model/params';
import { DEFAULT_COTUNING, type CotuningConfig } from './network';
import { DEFAULT_PROTOCOL, type CotuningEvent, type CotuningProtocol } from './runner';
import { MAX_EVENTS, parseEvents } from './events';

const PAPER = 'Giannakakis et al. 2023';
const CODE = 'authors’ Brian2 code (MGiannakakis/Network_Assemblies_and_STDP)';
const OURS = 'EI Lab default; not given in the paper';

const num = (
  name: string,
  label: string,
  unit: string,
  min: number,
  max: number,
  def: number,
  group: string,
  description: string,
  source: string,
  extra: Partial<NumberParam> = {},
): NumberParam => ({
  name,
  label,
  kind: 'number',
  unit,
  min,
  max,
  default: def,
  group,
  description,
  source,
  ...extra,
});

const ratio = (path: string, arrow: string) =>
  num(
    `R_${path}`,
    `R_${path} (${arrow})`,
    '',
    1,
    20,
    1,
    'Assemblies',
    `in-group / out-group weight ratio of the ${arrow} pathway (eq 4; pre→post, as in the paper and its code); 1 = uniform. The paper's assembly strength is r = R/(R + M − 1)`,
    `${PAPER}, eq 4 and Figs 3–5 (prior R ~ U(1, 11))`,
  );

export const COTUNING_PARAMS: readonly ParamSpec[] = [
  num(
    'N',
    'Presynaptic neurons',
    '',
    80,
    8000,
    1000,
    'Network',
    '80% E, 20% I; must split into M equal groups of each type',
    `${PAPER}, Methods IV B`,
    { kind: 'int' },
  ),
  num(
    'M',
    'Input groups',
    '',
    2,
    16,
    8,
    'Network',
    'number of input groups (signals)',
    `${PAPER}, Methods IV B`,
    { kind: 'int' },
  ),
  num(
    'noise',
    'Noise fraction c',
    '',
    0,
    1,
    0.01,
    'Input',
    'private share of each neuron’s input spikes (eq 7): signal at (1 − c)·rate, noise at c·rate',
    `${PAPER}, eq 7; 0.01 for the low-noise case (spec), 0.2 in the inference runs`,
  ),
  num(
    'input_rate',
    'Input rate',
    'Hz',
    0,
    200,
    50,
    'Input',
    'total Poisson input rate per neuron (signal + noise), each spike a 4.9 nS jump',
    CODE,
  ),
  {
    name: 'recurrent',
    label: 'Recurrent connections',
    kind: 'bool',
    default: false,
    group: 'Recurrence',
    description: 'connect the presynaptic neurons (all four pathways, probability p)',
    source: `${PAPER}, Fig 1 (feedforward) vs Figs 2–5`,
  },
  num(
    'W',
    'Coupling W',
    '',
    0,
    50,
    1,
    'Recurrence',
    'mean recurrent weight; an E spike adds 0.14·w nS, an I spike 0.7·w nS',
    `${PAPER}, Fig 2d; ABC runs use W = 8.5/p (${CODE})`,
  ),
  num(
    'p',
    'Connection probability p',
    '',
    0,
    1,
    0.95,
    'Recurrence',
    'probability of each recurrent connection (all pathways)',
    `${PAPER}, Fig 5 (0.1 … 1)`,
  ),
  ratio('EE', 'E→E'),
  ratio('EI', 'E→I'),
  ratio('IE', 'I→E'),
  ratio('II', 'I→I'),
  {
    name: 'readout',
    label: 'Plastic read-out',
    kind: 'bool',
    default: true,
    group: 'Plasticity',
    description:
      'simulate the read-out neuron with its plastic E and I inputs (off: the presynaptic network only, e.g. for correlations and ABC)',
    source: `${PAPER}, Fig 1a`,
  },
  {
    name: 'rule_E',
    label: 'E rule',
    kind: 'enum',
    options: ['triplet', 'pair'],
    default: 'triplet',
    group: 'Plasticity',
    description: 'triplet STDP (eqs 8–9) or pair STDP (Appendix A) on the read-out’s E inputs',
    source: `${PAPER}, eqs 8–9 and Appendix A`,
  },
  num(
    'eta_E',
    'η_E',
    '',
    0,
    0.1,
    2.5e-3,
    'Plasticity',
    'excitatory learning rate',
    `${PAPER}, Table I`,
    { advanced: true },
  ),
  num(
    'eta_I',
    'η_I',
    '',
    0,
    0.1,
    1e-2,
    'Plasticity',
    'inhibitory learning rate (Vogels et al. 2011)',
    `${PAPER}, Table I`,
    { advanced: true },
  ),
  num(
    'eta_N',
    'η_N',
    '',
    0,
    0.1,
    3e-3,
    'Plasticity',
    'competitive normalisation rate (eq 12)',
    `${PAPER}, Table I`,
    { advanced: true },
  ),
  num(
    'rho0',
    'Target rate ρ₀',
    'Hz',
    0,
    50,
    3,
    'Plasticity',
    'read-out target rate of the inhibitory rule (α = 2ρ₀τ)',
    `${PAPER}, Table I`,
    { advanced: true },
  ),
  num(
    'learn_time',
    'Learning time',
    's',
    0,
    3600,
    100,
    'Protocol',
    'simulated time with the read-out plastic',
    `${CODE} (100 s; the paper: 600 s)`,
  ),
  num(
    'duration',
    'Measurement window',
    's',
    0.1,
    600,
    2,
    'Protocol',
    'correlations, rates and the raster are measured over the last this many seconds of the run',
    OURS,
  ),
  num(
    'tuning_reps',
    'Tuning repetitions',
    '',
    0,
    50,
    5,
    'Protocol',
    'repetitions per group of the tuning test (Fig 1f; 1 s of input to one group at a time); 0 skips it',
    `${CODE} (20 repetitions)`,
    { kind: 'int' },
  ),
  {
    name: 'tuning_input',
    label: 'Tuning input to',
    kind: 'enum',
    options: ['group', 'E'],
    default: 'group',
    group: 'Protocol',
    description:
      'which cells of the driven group get the tuning input: all of it (E and I; the spec) or its E cells only, with which the read-out fires more for the groups it weights more, as Fig 1f shows (README, Model choices)',
    source: `${PAPER}, Fig 1f ("stimulate one group"); E only: EI Lab's reading`,
  },
  {
    name: 'tuning_background',
    label: 'Read-out background in tuning',
    kind: 'bool',
    default: true,
    group: 'Protocol',
    description:
      'keep the read-out’s 200 pA background current during the tuning test (the authors’ code drops it; with the whole group driven the read-out then stays silent)',
    source: `${CODE} (Neuron_response.py: no background); on: EI Lab default`,
  },
  {
    name: 'event',
    label: 'Knock-out / perturbation',
    kind: 'enum',
    options: [
      'none',
      'block-EE',
      'block-EI',
      'block-IE',
      'block-II',
      'freeze-E',
      'freeze-I',
      'freeze-both',
      'silence-group',
      'drive-group',
    ],
    default: 'none',
    group: 'Perturbation',
    description:
      'block a recurrent pathway, freeze E or I plasticity, silence or drive one group (its E and I neurons), from event_time on',
    source: OURS,
  },
  num(
    'event_time',
    'Event time',
    's',
    0,
    3600,
    0,
    'Perturbation',
    'when the knock-out or perturbation starts',
    OURS,
  ),
  num('event_group', 'Group', '', 0, 15, 0, 'Perturbation', 'group silenced or driven', OURS, {
    kind: 'int',
  }),
  num(
    'drive_pA',
    'Drive',
    'pA',
    -1000,
    1000,
    100,
    'Perturbation',
    'current injected into the driven group',
    OURS,
  ),
  {
    name: 'events',
    label: 'Timed events',
    kind: 'text',
    default: '',
    maxLength: 40 * MAX_EVENTS,
    syntax: 'comma-separated ACTION@SECONDS',
    example: 'block-EE@10, drive-3:200@20, unblock-EE@30',
    check: (t) => {
      const r = parseEvents(t);
      return 'error' in r ? r.error : null;
    },
    group: 'Perturbation',
    description:
      'knock-outs and perturbations at given times (s), besides `event`: block-EE|EI|IE|II, unblock-…, freeze-E|I|both, unfreeze-…, silence-G, release-G, drive-G:pA (groups G = 1…M, as in the plots; drive-G:0 stops). The app adds what its buttons do during a run, so a link reproduces it',
    source: OURS,
  },
  {
    name: 'sweep',
    label: 'Sweep',
    kind: 'enum',
    options: ['none', 'noise', 'W', 'R_EE', 'R_EI', 'R_IE', 'R_II', 'p'],
    default: 'none',
    group: 'Sweep',
    description:
      'run the protocol once per value, from sweep_from to sweep_to, of the noise fraction (Fig 2a–c), the coupling W (Fig 2d–f), one assembly ratio with the others fixed (Fig 4) or the connection probability p at fixed W·p (Fig 5: coupling scaled by 1/p); recurrence on except for noise. Reports D, B, rates and correlations per value (sweep.csv)',
    source: `${PAPER}, Figs 2, 4, 5`,
  },
  num(
    'sweep_from',
    'Sweep from',
    '',
    0,
    50,
    0,
    'Sweep',
    'first value of the swept parameter',
    OURS,
  ),
  num('sweep_to', 'Sweep to', '', 0, 50, 0.9, 'Sweep', 'last value of the swept parameter', OURS),
  num(
    'sweep_points',
    'Sweep points',
    '',
    2,
    50,
    5,
    'Sweep',
    'number of values (evenly spaced)',
    OURS,
    { kind: 'int' },
  ),
  num(
    'abc_steps',
    'ABC steps',
    '',
    0,
    50,
    0,
    'ABC',
    'sequential ABC over R_EE, R_EI, R_IE, R_II (prior U(1, 11)); 0: no ABC. Each proposal is the presynaptic network (no read-out) simulated for `duration` s; its loss is the ABC distance of its group correlations',
    `${PAPER}, Methods IV C (20–30 steps)`,
    { kind: 'int' },
  ),
  num(
    'abc_particles',
    'ABC particles',
    '',
    2,
    500,
    60,
    'ABC',
    'accepted parameter sets per step',
    `${PAPER}, Methods IV C`,
    { kind: 'int' },
  ),
  num(
    'abc_eps0',
    'ABC ε₀',
    '',
    0,
    1,
    0.5,
    'ABC',
    'initial acceptance threshold of the loss; later ε = 75th percentile of the accepted losses',
    `${CODE} (epsilon_0 = 0.5)`,
    { advanced: true },
  ),
  num(
    'abc_batch',
    'ABC batch',
    '',
    1,
    1024,
    20,
    'ABC',
    'proposals simulated per batch',
    `${CODE} (n_sim = 20–60)`,
    { kind: 'int', advanced: true },
  ),
  num(
    'dt',
    'Time step',
    'ms',
    0.01,
    0.5,
    0.1,
    'Model',
    'integration step',
    `${PAPER}, Methods IV A`,
    { advanced: true },
  ),
];

export function cotuningConfig(v: ParamValues): CotuningConfig {
  const n = (k: string, d: number) => (typeof v[k] === 'number' ? (v[k] as number) : d);
  return {
    ...DEFAULT_COTUNING,
    N: n('N', DEFAULT_COTUNING.N),
    M: n('M', DEFAULT_COTUNING.M),
    noise: n('noise', DEFAULT_COTUNING.noise),
    inputRate: n('input_rate', DEFAULT_COTUNING.inputRate),
    recurrent: v.recurrent === true,
    W: n('W', DEFAULT_COTUNING.W),
    p: n('p', DEFAULT_COTUNING.p),
    R: { EE: n('R_EE', 1), EI: n('R_EI', 1), IE: n('R_IE', 1), II: n('R_II', 1) },
    readout: v.readout !== false,
    plasticityE: v.rule_E === 'pair' ? 'pair' : 'triplet',
    etaE: n('eta_E', DEFAULT_COTUNING.etaE),
    etaI: n('eta_I', DEFAULT_COTUNING.etaI),
    etaN: n('eta_N', DEFAULT_COTUNING.etaN),
    rho0: n('rho0', DEFAULT_COTUNING.rho0),
    vInit: v.v_init === 'uniform' ? 'uniform' : 'code',
    dt: n('dt', DEFAULT_COTUNING.dt),
  };
}

export function cotuningProtocol(v: ParamValues): CotuningProtocol {
  const n = (k: string, d: number) => (typeof v[k] === 'number' ? (v[k] as number) : d);
  const learnTime = v.readout === false ? 0 : n('learn_time', DEFAULT_PROTOCOL.learnTime);
  const t = n('event_time', 0);
  const g = n('event_group', 0);
  const ev = String(v.event ?? 'none');
  const events: CotuningEvent[] = [];
  if (ev.startsWith('block-'))
    events.push({ t, kind: 'block', pathway: ev.slice(6) as 'EE', on: true });
  else if (ev === 'freeze-E' || ev === 'freeze-both')
    events.push({ t, kind: 'freeze', which: 'E', on: true });
  if (ev === 'freeze-I' || ev === 'freeze-both')
    events.push({ t, kind: 'freeze', which: 'I', on: true });
  if (ev === 'silence-group') events.push({ t, kind: 'silence', group: g, on: true });
  if (ev === 'drive-group') events.push({ t, kind: 'drive', group: g, pA: n('drive_pA', 100) });
  const listed = parseEvents(typeof v.events === 'string' ? v.events : '');
  if ('events' in listed) events.push(...listed.events);
  return {
    ...DEFAULT_PROTOCOL,
    learnTime,
    duration: n('duration', DEFAULT_PROTOCOL.duration),
    tuningReps: v.readout === false ? 0 : n('tuning_reps', DEFAULT_PROTOCOL.tuningReps),
    tuningInput: v.tuning_input === 'E' ? 'E' : 'group',
    tuningBackground: v.tuning_background !== false,
    sampleEvery: Math.max(0.1, learnTime / 100),
    events,
  };
}

export function crossCheck(v: ParamValues): CrossError[] {
  const errs: CrossError[] = [];
  const N = Number(v.N);
  const M = Number(v.M);
  const nE = Math.round(N * 0.8);
  if (nE % M !== 0 || (N - nE) % M !== 0)
    errs.push({
      fields: ['N', 'M'],
      message: `N = ${N} has ${nE} E and ${N - nE} I neurons, which do not split into ${M} equal groups (N a multiple of 5·M works)`,
    });
  if (Number(v.event_group) >= M && String(v.event).endsWith('group'))
    errs.push({ fields: ['event_group', 'M'], message: `event_group must be below M = ${M}` });
  const listed = parseEvents(typeof v.events === 'string' ? v.events : '');
  if ('events' in listed && listed.events.some((e) => 'group' in e && e.group >= M))
    errs.push({ fields: ['events', 'M'], message: `events: groups are numbered 1 … M = ${M}` });
  if (v.readout !== false && Number(v.learn_time) < Number(v.duration) && Number(v.learn_time) > 0)
    errs.push({
      fields: ['learn_time', 'duration'],
      message: 'the measurement window (duration) must fit in the learning time',
    });
  if (v.sweep === 'noise' && (Number(v.sweep_from) > 1 || Number(v.sweep_to) > 1))
    errs.push({
      fields: ['sweep_from', 'sweep_to'],
      message: 'a noise sweep runs between 0 and 1',
    });
  if (v.sweep === 'p' && [v.sweep_from, v.sweep_to].some((x) => !(Number(x) > 0 && Number(x) <= 1)))
    errs.push({
      fields: ['sweep_from', 'sweep_to'],
      message: 'a sweep of p runs in (0, 1]',
    });
  if (String(v.sweep).startsWith('R_') && [v.sweep_from, v.sweep_to].some((x) => !(Number(x) > 0)))
    errs.push({
      fields: ['sweep_from', 'sweep_to'],
      message: 'assembly ratios are positive (1 = uniform)',
    });
  if (v.sweep !== undefined && v.sweep !== 'none' && Number(v.abc_steps) > 0)
    errs.push({ fields: ['sweep', 'abc_steps'], message: 'choose a sweep or ABC, not both' });
  if (Number(v.input_rate) * Number(v.dt) > 1000)
    errs.push({
      fields: ['input_rate', 'dt'],
      message: 'input rate × dt exceeds one spike per step',
    });
  return errs;
}

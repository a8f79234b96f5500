/**
 * The co-tuning lab's results row: progress (learning, then the tuning test) with the speed
 * in simulated seconds per wall second, the latest D, B and rates (exact values in data-value
 * for tests), and the knock-outs and perturbations a user can throw in while the network
 * learns (Giannakakis et al. 2023: block a pathway, freeze E or I plasticity, silence or drive
 * a group). They act at the run's next stop (≤ one sample interval) and are marked on the
 * time plots.
 */
import { useState } from 'react';
import { cotRunner } from '../../app/instance';
import type { CotuningEvent } from '../../labs/cotuning/runner';
import { Num } from '../Results';
import { useCot } from './hooks';
import { ResultsRow, RunProgress, STATUS_WORDS } from '../RunProgress';

const STAGES: Record<string, string> = {
  idle: 'Ready',
  abc: 'ABC',
  sweep: 'Sweep',
  learn: 'Learning',
  tuning: 'Tuning test',
  done: 'Done',
};

function CotProgress() {
  const p = useCot((s) => s.progress);
  const shape = useCot((s) => s.shape);
  const word = p.status === 'running' ? (STAGES[p.stage] ?? 'Running') : STATUS_WORDS[p.status];
  const frac =
    p.status === 'done' ? 1 : p.stage === 'learn' ? p.frac : p.stage === 'tuning' ? p.frac : 0;
  return (
    <RunProgress
      status={p.status}
      data={{ 'data-stage': p.stage }}
      text={
        <>
          {word}
          {shape &&
            p.stage === 'learn' &&
            ` · ${(p.frac * shape.seconds).toFixed(1)}/${shape.seconds} s`}
        </>
      }
      speed={p.status === 'running' ? p.speed : null}
      bar={{ label: STAGES[p.stage] ?? 'Progress', frac }}
      error={p.runError}
    />
  );
}

const PATHWAYS = [
  ['EE', 'E→E'],
  ['EI', 'E→I'],
  ['IE', 'I→E'],
  ['II', 'I→I'],
] as const;

/** Knock-outs and perturbations during a run; toggles remember their state for this run. */
function Interventions() {
  const status = useCot((s) => s.progress.status);
  const shape = useCot((s) => s.shape);
  const [on, setOn] = useState<Record<string, boolean>>({});
  const [group, setGroup] = useState(0);
  const live = status === 'running' || status === 'paused';
  const M = shape?.M ?? 8;
  const toggle = (
    key: string,
    make: (v: boolean) => CotuningEvent,
    label: (v: boolean) => string,
  ) => {
    const v = !on[key];
    setOn({ ...on, [key]: v });
    cotRunner.trigger(make(v), label(v));
  };
  const btn = (
    key: string,
    text: string,
    make: (v: boolean) => CotuningEvent,
    label: (v: boolean) => string,
    title: string,
  ) => (
    <button
      key={key}
      type="button"
      className={`btn btn-small${on[key] ? ' active' : ''}`}
      aria-pressed={!!on[key]}
      disabled={!live}
      title={title}
      data-testid={`cot-${key}`}
      onClick={() => toggle(key, make, label)}
    >
      {text}
    </button>
  );
  return (
    <div
      className="cot-interventions"
      role="group"
      aria-label="Knock-outs and perturbations during the run"
    >
      <span className="muted">Now:</span>
      {/* a pathway can be blocked only where there is recurrence, plasticity frozen only where
          there is a read-out to learn */}
      {shape?.recurrent !== false &&
        PATHWAYS.map(([p, name]) =>
          btn(
            `block-${p}`,
            `block ${name}`,
            (v) => ({ t: 0, kind: 'block', pathway: p, on: v }),
            (v) => `${v ? 'block' : 'unblock'} ${name}`,
            `Stop (or restore) the recurrent ${name} pathway's delivery`,
          ),
        )}
      {shape?.readout !== false && (
        <>
          {btn(
            'freeze-E',
            'freeze E',
            (v) => ({ t: 0, kind: 'freeze', which: 'E', on: v }),
            (v) => `${v ? 'freeze' : 'unfreeze'} E plasticity`,
            'Stop (or restart) the plasticity of the E→read-out synapses',
          )}
          {btn(
            'freeze-I',
            'freeze I',
            (v) => ({ t: 0, kind: 'freeze', which: 'I', on: v }),
            (v) => `${v ? 'freeze' : 'unfreeze'} I plasticity`,
            'Stop (or restart) the plasticity of the I→read-out synapses',
          )}
        </>
      )}
      <label className="cot-group">
        group{' '}
        <select
          value={group}
          onChange={(e) => setGroup(Number(e.target.value))}
          disabled={!live}
          aria-label="Input group"
        >
          {Array.from({ length: M }, (_, g) => (
            <option key={g} value={g}>
              {g + 1}
            </option>
          ))}
        </select>
      </label>
      {btn(
        `silence-${group}`,
        'silence',
        (v) => ({ t: 0, kind: 'silence', group, on: v }),
        (v) => `${v ? 'silence' : 'release'} group ${group + 1}`,
        'Silence (or release) the E and I neurons of the chosen input group',
      )}
      {btn(
        `drive-${group}`,
        'drive +200 pA',
        (v) => ({ t: 0, kind: 'drive', group, pA: v ? 200 : 0 }),
        (v) => (v ? `drive group ${group + 1} (+200 pA)` : `stop driving group ${group + 1}`),
        'Inject (or stop) 200 pA into the neurons of the chosen input group',
      )}
    </div>
  );
}

export function CotResults() {
  const last = useCot((s) => (s.samples.length ? s.samples[s.samples.length - 1] : null));
  const f = useCot((s) => s.final);
  // without a read-out (ABC) there are no read-out weights: D, B and its rate are undefined
  const readout = useCot((s) => s.shape?.readout ?? true);
  return (
    <ResultsRow>
      <CotProgress />
      <div className="nums">
        {readout ? (
          <>
            <Num
              id="D"
              label="D"
              value={f ? f.D : last ? last.D : null}
              title="Diversity of the read-out's E weights (eq 1)"
            />
            <Num
              id="B"
              label="B"
              value={f ? f.B : last ? last.B : null}
              title="Balance: correlation of group-mean E and I weights (eq 2)"
            />
            <Num
              id="rate_readout"
              label="read-out"
              value={f ? f.rate_readout : last ? last.readoutRate : null}
              unit="Hz"
              title="Read-out rate (last sample; the measurement window at the end)"
            />
          </>
        ) : (
          <Num
            id="abc_distance"
            label="ABC distance"
            value={f ? f.abc_distance : null}
            title="The authors' ABC loss of the network (no read-out in this run, so no D or B)"
          />
        )}
        <Num
          id="rate_E"
          label="E"
          value={f ? f.rate_E : null}
          unit="Hz"
          title="Mean E rate over the measurement window"
        />
        <Num
          id="rate_I"
          label="I"
          value={f ? f.rate_I : null}
          unit="Hz"
          title="Mean I rate over the measurement window"
        />
        <Num
          id="C_in_EI"
          label="C_in(EI)"
          value={f ? f.correlations.C_in_EI : null}
          title="Mean in-group E–I correlation (1 ms bins)"
        />
      </div>
      <Interventions />
    </ResultsRow>
  );
}

/**
 * The COBA lab (Brette et al. 2007, benchmark 1): its plot area (the raster, the population
 * rates and V traces, live while the network runs) and its results row — progress in simulated
 * seconds, the loop's wall time and the speed in × real time; when done, the CLI's summary
 * numbers (rate_E, rate_I, sim_wall_s, setup_wall_s; exact values in data-value for tests) and
 * the summary as the CLI writes it (JSON).
 */
import { useState } from 'react';
import { useStore } from 'zustand';
import type { CobaSummary } from '../../labs/coba/run';
import { cobaStore, type CobaFinal, type CobaState } from '../../state/cobaStore';
import { hashOf } from '../../state/link';
import { appStore } from '../../state/store';
import { download } from '../download';
import { storePlotGrid } from '../plots/StorePlotGrid';
import { Num } from '../Results';
import { ResultsRow, RunProgress, STATUS_WORDS } from '../RunProgress';
import { COBA_FIGURES } from './figures';

const LAYOUTS = {
  overview: [{ figure: 'coba-raster', wide: true }, { figure: 'coba-rates' }, { figure: 'coba-v' }],
} as const;

export const CobaPlotGrid = storePlotGrid('coba', 'coba-', cobaStore, COBA_FIGURES, LAYOUTS);

function useCoba<T>(selector: (s: CobaState) => T): T {
  return useStore(cobaStore, selector);
}

function CobaProgress() {
  const p = useCoba((s) => s.progress);
  const L = useCoba((s) => s.shape);
  const simS = L ? (p.done * L.dt) / 1000 : 0;
  return (
    <RunProgress
      status={p.status}
      data={{ 'data-done': p.done }}
      wide
      text={
        <>
          {STATUS_WORDS[p.status]}
          {L && ` · sim ${simS.toFixed(2)}/${L.duration} s`}
          {p.done > 0 && ` · wall ${p.simWall.toFixed(2)} s`}
        </>
      }
      speed={p.done > 0 ? p.speed : null}
      bar={{ label: 'Simulated time', frac: p.total > 0 ? p.done / p.total : 0 }}
      error={p.runError}
    />
  );
}

/** The summary as `eilab run coba --json` prints it (with this page's link). */
function SummaryExport() {
  const f = useCoba((s) => s.final);
  const [msg, setMsg] = useState<string | null>(null);
  const save = () => {
    if (!f) {
      setMsg('Run the network first');
      setTimeout(() => setMsg(null), 2500);
      return;
    }
    const a = appStore.getState();
    const summary: CobaSummary = { ...f, preset: a.presetId, link: hashOf(a) };
    download(
      `eilab-coba-seed${a.seed}-summary.json`,
      'application/json',
      JSON.stringify(summary, null, 2) + '\n',
    );
  };
  return (
    <div className="asm-plot-exports" role="group" aria-label="Export the summary">
      {msg && <span className="muted">{msg}</span>}
      <button
        type="button"
        className="btn btn-small"
        onClick={save}
        disabled={!f}
        data-testid="export-coba-summary"
        title="The run's summary as the command line writes it (eilab run coba --json)"
      >
        Summary (JSON)
      </button>
    </div>
  );
}

/** The summary numbers shown (the CLI's keys; exact values in data-value). */
const NUMS: { id: keyof CobaFinal; label: string; unit?: string; title: string }[] = [
  { id: 'rate_E', label: 'E', unit: 'Hz', title: 'Mean rate of all E neurons over the run' },
  { id: 'rate_I', label: 'I', unit: 'Hz', title: 'Mean rate of all I neurons over the run' },
  { id: 'sim_wall_s', label: 'loop', unit: 's', title: 'Wall time of the simulation loop' },
  { id: 'setup_wall_s', label: 'set-up', unit: 's', title: 'Building the network and its run' },
  { id: 'synapses', label: 'synapses', title: 'Synapses of the network (N² p on average)' },
];

export function CobaResults() {
  const f = useCoba((s) => s.final);
  const setup = useCoba((s) => s.setupWall);
  const synapses = useCoba((s) => s.synapses);
  // known once the network is built, before the run ends
  const before: Partial<Record<keyof CobaFinal, number | null>> = {
    setup_wall_s: setup,
    synapses,
  };
  return (
    <ResultsRow>
      <CobaProgress />
      <div className="nums">
        {NUMS.map((n) => (
          <Num
            key={n.id}
            id={n.id}
            label={n.label}
            unit={n.unit}
            integer={n.id === 'synapses'}
            title={`${n.title} (${n.id})`}
            value={f ? (f[n.id] as number) : (before[n.id] ?? null)}
          />
        ))}
      </div>
      <SummaryExport />
    </ResultsRow>
  );
}

/**
 * The left column: lab picker, presets (with their one-line explanations), the parameter
 * panel generated from the lab's table (grouped; advanced fields folded) and the
 * "Knock-outs & perturbations" panel.
 */
import { useMemo } from 'react';
import { APP_LABS } from '../labs/registry';
import type { ParamSpec } from '../model/params';
import { appStore, changedFromPreset, labOf } from '../state/store';
import { useApp } from './hooks';
import { labUi } from './labUi';
import { ParamField, tooltipOf } from './ParamField';

function LabPicker() {
  const labId = useApp((s) => s.labId);
  return (
    <section className="panel" aria-labelledby="lab-h">
      <h2 id="lab-h" className="panel-title">
        Lab
      </h2>
      <select
        aria-labelledby="lab-h"
        className="lab-select"
        value={labId}
        onChange={(e) => appStore.getState().selectLab(e.target.value)}
        disabled={APP_LABS.length < 2}
        title={APP_LABS.length < 2 ? 'More labs (one per paper) plug in here' : undefined}
      >
        {APP_LABS.map((l) => (
          <option key={l.id} value={l.id}>
            {l.title}
          </option>
        ))}
      </select>
    </section>
  );
}

function Presets() {
  const labId = useApp((s) => s.labId);
  const presetId = useApp((s) => s.presetId);
  const values = useApp((s) => s.values);
  const lab = labOf(labId);
  const preset = lab.presets.find((p) => p.id === presetId) ?? null;
  const changed = useMemo(
    () => changedFromPreset({ labId, presetId, values }),
    [labId, presetId, values],
  );
  return (
    <section className="panel" aria-labelledby="presets-h">
      <h2 id="presets-h" className="panel-title">
        Presets
      </h2>
      <div className="preset-grid" role="group" aria-labelledby="presets-h">
        {lab.presets.map((p) => (
          <button
            key={p.id}
            type="button"
            className={`preset-chip${p.id === presetId ? ' active' : ''}`}
            aria-pressed={p.id === presetId}
            title={`${p.explain} (${p.figure})`}
            onClick={() => appStore.getState().applyPreset(p.id)}
            data-testid={`preset-${p.id}`}
          >
            {p.title}
          </button>
        ))}
      </div>
      <div className="preset-explain" aria-live="polite">
        {preset ? (
          <>
            <p>
              <span className="figure-ref">{preset.figure}</span> {preset.explain}
            </p>
            {changed.length > 0 && (
              <p className="preset-modified">
                Modified: {changed.slice(0, 4).join(', ')}
                {changed.length > 4 ? ` and ${changed.length - 4} more` : ''}.{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => appStore.getState().applyPreset(preset.id)}
                >
                  Restore preset
                </button>
              </p>
            )}
          </>
        ) : (
          <p className="muted">
            Pick a preset to reproduce a figure of the paper, or set the parameters below.
          </p>
        )}
      </div>
    </section>
  );
}

function groupsOf(
  params: readonly ParamSpec[],
  order: readonly string[] | undefined,
  skip: readonly string[],
) {
  const map = new Map<string, ParamSpec[]>();
  for (const p of params) {
    if (skip.includes(p.group)) continue;
    if (!map.has(p.group)) map.set(p.group, []);
    map.get(p.group)!.push(p);
  }
  const names = [...map.keys()];
  if (order) names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return names.map((g) => ({ group: g, params: map.get(g)! }));
}

function ParamPanel() {
  const labId = useApp((s) => s.labId);
  const lab = labOf(labId);
  const ui = labUi(labId);
  const groups = groupsOf(lab.params, ui.groupOrder, ui.controlGroups);
  const basic = groups
    .map((g) => ({ ...g, params: g.params.filter((p) => !p.advanced) }))
    .filter((g) => g.params.length);
  const advanced = groups
    .map((g) => ({ ...g, params: g.params.filter((p) => p.advanced) }))
    .filter((g) => g.params.length);
  return (
    <section className="panel" aria-labelledby="params-h">
      <div className="panel-head">
        <h2 id="params-h" className="panel-title">
          Parameters
        </h2>
        <button
          type="button"
          className="link-button"
          onClick={() => appStore.getState().resetParams()}
          title="Put every parameter back to the preset’s (or the default) value"
        >
          Reset all
        </button>
      </div>
      {basic.map((g) => (
        <fieldset key={g.group} className="group">
          <legend>{g.group}</legend>
          {g.params.map((p) => (
            <ParamField key={p.name} spec={p} />
          ))}
        </fieldset>
      ))}
      {advanced.length > 0 && (
        <details className="advanced">
          <summary>Advanced parameters</summary>
          {advanced.map((g) => (
            <fieldset key={g.group} className="group">
              <legend>{g.group}</legend>
              {g.params.map((p) => (
                <ParamField key={p.name} spec={p} />
              ))}
            </fieldset>
          ))}
        </details>
      )}
    </section>
  );
}

function KnockoutToggle({ spec }: { spec: ParamSpec }) {
  const on = useApp((s) => s.values[spec.name] === true);
  const cls = spec.name.replace(/^plastic_/, '');
  return (
    <button
      type="button"
      role="switch"
      aria-checked={on}
      className={`knockout${on ? '' : ' off'}`}
      title={tooltipOf(spec)}
      onClick={() => appStore.getState().editParam(spec.name, !on)}
      data-testid={`knockout-${cls}`}
    >
      <span className="knockout-name">W_{cls}</span>
      <span className="knockout-state">{on ? 'plastic' : 'knocked out'}</span>
    </button>
  );
}

function ControlsPanel() {
  const labId = useApp((s) => s.labId);
  const lab = labOf(labId);
  const ui = labUi(labId);
  if (ui.controlGroups.length === 0) return null;
  const params = lab.params.filter((p) => ui.controlGroups.includes(p.group));
  const byName = new Map(params.map((p) => [p.name, p]));
  const names = params.map((p) => p.name);
  const sections: { title: string; hint?: string; names: readonly string[] }[] = [
    ...(ui.controlSections ??
      ui.controlGroups.map((g) => ({
        title: g,
        names: params.filter((p) => p.group === g).map((p) => p.name),
      }))),
  ];
  // a parameter of these groups that no section names still gets a field
  const covered = new Set(sections.flatMap((s) => s.names));
  const rest = names.filter((n) => !covered.has(n));
  if (rest.length) sections.push({ title: 'Other', names: rest });
  return (
    <section className="panel controls-panel" aria-labelledby="ko-h">
      <div className="panel-head">
        <h2 id="ko-h" className="panel-title">
          Knock-outs &amp; perturbations
        </h2>
        <button
          type="button"
          className="link-button"
          onClick={() => appStore.getState().resetParams(names)}
          title="Plasticity on for every class; no perturbation (or the preset’s values)"
        >
          Reset
        </button>
      </div>
      {sections.map((sec) => {
        const specs = sec.names.map((n) => byName.get(n)).filter((p): p is ParamSpec => !!p);
        if (!specs.length) return null;
        const toggles = specs.every((p) => p.kind === 'bool');
        return (
          <fieldset key={sec.title} className="group">
            <legend>{sec.title}</legend>
            {sec.hint && <p className="hint">{sec.hint}</p>}
            {toggles ? (
              <div className="knockout-grid">
                {specs.map((p) => (
                  <KnockoutToggle key={p.name} spec={p} />
                ))}
              </div>
            ) : (
              specs.map((p) => <ParamField key={p.name} spec={p} />)
            )}
          </fieldset>
        );
      })}
    </section>
  );
}

export function Sidebar() {
  return (
    <aside className="sidebar" aria-label="Experiment setup">
      <LabPicker />
      <Presets />
      <ParamPanel />
      <ControlsPanel />
    </aside>
  );
}

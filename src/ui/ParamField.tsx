/**
 * One parameter field generated from the lab's table: label with unit, description and source
 * as a tooltip (and for screen readers), the input for its kind, and an inline error under the
 * field when the text is not valid (the value is then not applied).
 */
import { useId, useState, type ReactNode } from 'react';
import type { ParamSpec } from '../model/params';
import { appStore, fieldText } from '../state/store';
import { useApp } from './hooks';
import { labUi } from './labUi';

export function tooltipOf(p: ParamSpec): string {
  const range =
    p.kind === 'number' || p.kind === 'int'
      ? `\nRange: ${p.min} to ${p.max}${p.unit ? ` ${p.unit}` : ''}`
      : '';
  return `${p.description}${range}\nSource: ${p.source}`;
}

export function labelOf(p: ParamSpec): string {
  return p.kind === 'number' || p.kind === 'int'
    ? p.unit && p.unit !== 'trials'
      ? `${p.label} (${p.unit})`
      : p.label
    : p.label;
}

export function ParamField({ spec }: { spec: ParamSpec }) {
  const uid = useId();
  const id = `param-${spec.name}`;
  const descId = `${uid}-desc`;
  const errId = `${uid}-err`;
  const storeText = useApp((s) => fieldText(s, spec));
  const error = useApp((s) => s.fieldErrors[spec.name]);
  const placeholder = useApp((s) => labUi(s.labId).placeholder?.(spec, s.values));
  const [local, setLocal] = useState<string | null>(null);
  const tip = tooltipOf(spec);
  const describedBy = error ? `${errId} ${descId}` : descId;
  const edit = (raw: string | boolean) => appStore.getState().editParam(spec.name, raw);

  let control: ReactNode;
  if (spec.kind === 'bool') {
    control = (
      <input
        id={id}
        type="checkbox"
        checked={storeText === 'true'}
        onChange={(e) => edit(e.target.checked)}
        aria-describedby={describedBy}
        title={tip}
      />
    );
  } else if (spec.kind === 'enum') {
    control = (
      <select
        id={id}
        value={storeText}
        onChange={(e) => edit(e.target.value)}
        aria-describedby={describedBy}
        title={tip}
      >
        {spec.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={spec.kind === 'int' ? 'numeric' : spec.kind === 'text' ? 'text' : 'decimal'}
        spellCheck={false}
        autoComplete="off"
        value={local ?? storeText}
        placeholder={
          placeholder ?? (spec.kind === 'text' ? spec.example : spec.nullable ? 'auto' : undefined)
        }
        onChange={(e) => {
          setLocal(e.target.value);
          edit(e.target.value);
        }}
        onBlur={() => setLocal(null)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        title={tip}
        data-testid={`field-${spec.name}`}
      />
    );
  }

  return (
    <div className={`field field-${spec.kind}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id} title={tip}>
        {labelOf(spec)}
      </label>
      {control}
      <span id={descId} className="visually-hidden">
        {tip}
      </span>
      {error && (
        <div id={errId} className="field-error" role="alert" data-testid={`error-${spec.name}`}>
          {error} — not applied
        </div>
      )}
    </div>
  );
}

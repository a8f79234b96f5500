/**
 * The CPU time estimate that warns before a paper-size run on the CPU: calibrated on
 * BENCHMARKS.md (classroom training 17.6 s; paper-size steady state 177 ms).
 */
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/model/params';
import { ASM_PARAMS } from '../../src/labs/assemblies/params';
import { ASM_PRESETS } from '../../src/labs/assemblies/presets';
import { estimateCpuSeconds, formatDuration } from '../../src/labs/assemblies/estimate';

const preset = (id: string) => ({
  ...defaults(ASM_PARAMS),
  ...ASM_PRESETS.find((p) => p.id === id)!.values,
});

describe('CPU time estimate', () => {
  it('puts the classroom training near its measured 17.6 s and the paper size at days', () => {
    const c = estimateCpuSeconds(preset('classroom'));
    expect(c.train).toBeGreaterThan(8);
    expect(c.train).toBeLessThan(40);
    const p = estimateCpuSeconds(preset('paper'));
    // 500 passes × 1728 steady states × ≈0.16 s
    expect(p.train / 3600).toBeGreaterThan(30);
    expect(p.train / 3600).toBeLessThan(60);
    expect(estimateCpuSeconds({ ...preset('paper'), perturb_cells: 0 }).before).toBeLessThan(
      p.before / 50,
    );
    expect(estimateCpuSeconds(preset('neither')).train).toBe(0);
  });

  it('formats durations for people', () => {
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(420)).toBe('7 min');
    expect(formatDuration(42 * 3600)).toBe('42 h');
  });
});

/**
 * Reduced-model lab presets: each names the part of the paper it reproduces and explains
 * itself in one line. A preset is a set of overrides on top of the defaults.
 */
import type { Preset } from '../isn/presets';

export const REDUCED_PRESETS: readonly Preset[] = [
  {
    id: 'homogeneous',
    title: 'Homogeneous network (as printed)',
    explain:
      'All couplings equal (W = 1, M = 8, equal internal and external noise): the exact correlations next to eq C10 as printed, which does not match them.',
    figure: 'App. C2, eq C10',
    values: {
      mode: 'exact',
      structure: 'homogeneous-printed',
      W: 1,
      M: 8,
      sigma_int: 0.05,
      sigma_ext: 0.05,
    },
  },
  {
    id: 'simulate',
    title: 'Simulation vs exact',
    explain:
      'Euler–Maruyama at dt = 0.01, as in the authors’ code: the sampled correlations agree with the exact ones within their standard errors.',
    figure: 'App. C1',
    values: {
      mode: 'simulate',
      structure: 'homogeneous-printed',
      W: 1,
      sigma_int: 0.05,
      sigma_ext: 0.05,
      T: 10000,
    },
  },
  {
    id: 'strong-coupling',
    title: 'Strong coupling',
    explain:
      'Sweep the coupling W of the authors’ homogeneous network: every correlation climbs to 1 as 1 − O(1/W²) and the groups become indistinguishable.',
    figure: 'App. C2 (W → ∞); cf. Fig 2e',
    values: {
      mode: 'exact',
      structure: 'homogeneous-code',
      W: 10,
      sigma_int: 0.05,
      sigma_ext: 0.05,
      sweep: 'W',
      sweep_from: 0,
      sweep_to: 20,
      sweep_points: 41,
    },
  },
  {
    id: 'noise-limit',
    title: 'Private-noise limit',
    explain:
      'Only private noise and weak coupling (W = 0.1): between-group correlations ≈ ±W/(M−1) and E–I ones ≈ MW²/(M−1)² (eq C11) — with r read as the shared-noise fraction.',
    figure: 'App. C2, eq C11',
    values: {
      mode: 'exact',
      structure: 'homogeneous-code',
      W: 0.1,
      sigma_int: 0.1,
      sigma_ext: 0,
    },
  },
  {
    id: 'noise-sweep',
    title: 'Shared vs private noise',
    explain:
      'Sweep the noise ratio at W = 2: shared (external) noise keeps each group’s E and I together; with only shared noise the groups decouple.',
    figure: 'App. C2; cf. Fig 2a–b',
    values: {
      mode: 'exact',
      structure: 'homogeneous-code',
      W: 2,
      sigma_int: 0.05,
      sigma_ext: 0.05,
      sweep: 'r',
      sweep_points: 21,
    },
  },
  {
    id: 'clustering',
    title: 'Optimal clustering',
    explain:
      'Uniform connectivity at W = 2 against the assembly strengths that minimise eq C12: clustered E→E and E→I, unclustered I→E, clustered I→I.',
    figure: 'Fig 8, eq C12',
    values: {
      mode: 'exact',
      structure: 'assemblies',
      W: 2,
      r_EE: 0.125,
      r_EI: 0.125,
      r_IE: 0.125,
      r_II: 0.125,
      sigma_int: 0.05,
      sigma_ext: 0.05,
      cluster: true,
    },
  },
];

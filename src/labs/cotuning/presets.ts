/**
 * Co-tuning lab presets: each names the figure it reproduces and explains itself in one line.
 */
import type { Preset } from '../isn/presets';

export const COTUNING_PRESETS: readonly Preset[] = [
  {
    id: 'feedforward',
    title: 'Feedforward, low noise',
    explain:
      'Eight input groups, almost no private noise: triplet STDP and inhibitory plasticity with competitive normalisation give the read-out diverse (D ≈ 1) and balanced (B ≈ 1) E and I weights, and the E and I currents cancel (Fig 1e). Its tuning test drives whole groups, E and I, and the read-out then fires less for its strongest groups; the Tuning test preset shows Fig 1f.',
    figure: 'Fig 1c–e',
    values: { noise: 0.01, recurrent: false, learn_time: 100 },
  },
  {
    id: 'tuning',
    title: 'Tuning test, E cells driven',
    explain:
      'The low-noise feedforward network after 30 s of learning; the tuning test then drives one group’s E cells at a time, with no background current on the read-out: it fires more, the stronger its weights from that group (Fig 1f). Driving the whole group, E and I (the default), gives the opposite: learnt, balanced input only shunts.',
    figure: 'Fig 1f',
    view: 'tuning',
    values: {
      noise: 0.01,
      recurrent: false,
      learn_time: 30,
      tuning_input: 'E',
      tuning_background: false,
      tuning_reps: 5,
    },
  },
  {
    id: 'noisy',
    title: 'Noisy input',
    explain:
      'Half of every neuron’s input spikes are private: groups decorrelate internally, and diversity D falls first; balance B holds until noise dominates.',
    figure: 'Fig 2a–c',
    values: { noise: 0.5, recurrent: false, learn_time: 100 },
  },
  {
    id: 'recurrent-uniform',
    title: 'Uniform recurrent coupling',
    explain:
      'The presynaptic neurons are coupled without assemblies: activity correlates across groups and the read-out can no longer tell them apart (D and B fall).',
    figure: 'Fig 2d–f',
    values: { noise: 0.2, recurrent: true, p: 0.95, W: 3.2, learn_time: 100 },
  },
  {
    id: 'assemblies',
    title: 'Recurrent assemblies',
    explain:
      'The same coupling, but strong E→E and E→I assemblies and weaker inhibitory ones keep activity within groups, and co-tuning comes back.',
    figure: 'Fig 3',
    values: {
      noise: 0.2,
      recurrent: true,
      p: 0.95,
      W: 3.2,
      R_EE: 8,
      R_EI: 8,
      R_IE: 3,
      R_II: 3,
      learn_time: 100,
    },
  },
  {
    id: 'sparse-assemblies',
    title: 'Sparse assemblies',
    explain:
      'At p = 0.1 (W = 10, W·p = 1), uniform coupling still correlates the groups; assemblies with weak inhibitory clustering restore balance but diversity only partly: sparse networks are harder to fix.',
    figure: 'Fig 5',
    values: {
      noise: 0.1,
      recurrent: true,
      p: 0.1,
      W: 10,
      R_EE: 6,
      R_EI: 6,
      R_IE: 1.5,
      R_II: 1.5,
      learn_time: 100,
    },
  },
  {
    id: 'abc',
    title: 'ABC: which assemblies decorrelate the groups?',
    explain:
      'Sequential ABC over the four assembly ratios on a small coupled network (400 neurons, coupling W·N kept as at N = 1000 with W = 3.2, 1 s per proposal, 4 steps of 12 particles): R_EE rises first. With more steps (abc_steps=10, abc_particles=30, about 1–2 min) E→E comes out strongest (≈ 9–10) and I→I weakest, E→I and I→E in between (Fig 3c: E→E and E→I strong, I→E and I→I medium). Set N=1000, W=3.2, duration=3, abc_particles=60, abc_steps=20 for the paper-size fit.',
    figure: 'Fig 3c, Methods IV C',
    view: 'study',
    values: {
      N: 400,
      noise: 0.2,
      recurrent: true,
      readout: false,
      p: 0.95,
      W: 8,
      duration: 1,
      abc_steps: 4,
      abc_particles: 12,
      abc_batch: 8,
    },
  },
];

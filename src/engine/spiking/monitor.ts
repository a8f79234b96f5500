/**
 * Monitors of a spiking run, shared by the CPU and WebGPU backends: spike rasters, population
 * spike counts per bin, state traces (V, g_E, g_I and the E and I currents) of chosen neurons,
 * and weight snapshots. Samples are taken at the end of a step (after the reset), so sample m
 * of a trace recorded every `every` steps belongs to time (m·every + every)·dt from the
 * the step index of each sample is stored alongside it.
 */

export interface MonitorSpec {
  /** record the spikes of neurons [from, to) (entity indices); default none */
  spikes?: { from: number; to: number };
  /** spike counts per population per bin of `rateBin` steps (default none) */
  rateBin?: number;
  /** V, g_E, g_I, I_E, I_I of these neurons every `every` steps */
  traces?: { neurons: readonly number[]; every: number };
  /** weights of these projections (by index) every `every` steps */
  weights?: { projections: readonly number[]; every: number };
}

/** A growable int32 list (spike rasters can be long). */
export class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class FloatList {
  data = new Float32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const d = new Float32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = x;
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}

/** What a run recorded. Trace arrays are [sample][neuron] flattened. */
export interface Recording {
  spikeSteps: IntList;
  spikeIds: IntList;
  /** counts per population per bin: counts[pop] */
  rateCounts: IntList[];
  /** step index of each trace sample */
  traceSteps: IntList;
  v: FloatList;
  gE: FloatList;
  gI: FloatList;
  /** g_E·(V_E − V) (pA) */
  iE: FloatList;
  /** g_I·(V_I − V) (pA) */
  iI: FloatList;
  weightSteps: IntList;
  /** weights[k] = snapshots of projection spec.weights.projections[k], concatenated */
  weights: Float32Array[][];
}

export function emptyRecording(nPops: number, nWeightProj: number): Recording {
  return {
    spikeSteps: new IntList(),
    spikeIds: new IntList(),
    rateCounts: Array.from({ length: nPops }, () => new IntList()),
    traceSteps: new IntList(),
    v: new FloatList(),
    gE: new FloatList(),
    gI: new FloatList(),
    iE: new FloatList(),
    iI: new FloatList(),
    weightSteps: new IntList(),
    weights: Array.from({ length: nWeightProj }, () => []),
  };
}

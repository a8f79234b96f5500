/**
 * What a lab protocol needs from a spiking backend: the CPU reference (CpuSpikingSim) and the
 * WebGPU engine both provide it, so a protocol is written once. Methods may return promises
 * (the GPU reads back asynchronously); protocols always await them.
 */
import type { CompiledNet } from '../../model/spiking/build';
import type { MonitorSpec, Recording } from './monitor';

export interface SpikingSimLike {
  readonly net: CompiledNet;
  /** 'cpu' or a description of the GPU path */
  readonly label?: string;
  run(n: number, mon?: MonitorSpec, rec?: Recording): Promise<void> | void;
  newRecording(mon: MonitorSpec): Recording;
  setRate(source: string, rateHz: number | ArrayLike<number>, from?: number, to?: number): void;
  setIext(neuron: number, pA: number): void;
  setSilenced(neuron: number, on: boolean): void;
  setProjectionEnabled(p: number, on: boolean): void;
  setPlastic(p: number, on: boolean): void;
  readWeights(p: number): Promise<Float32Array> | Float32Array;
  dispose?(): void;
}

/**
 * Adapter and device acquisition for the WebGPU backend: requests the limits the rate
 * kernels need (up to what the adapter offers) and describes the adapter for the UI badge.
 * Device loss and uncaptured errors are wired up by WebGpuBackend (webgpuBackend.ts).
 */
import { BackendLimitError } from '../backend';

/** Limits the rate programs depend on; each is requested at the adapter's maximum. */
export const REQUESTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

export type RequestedLimit = (typeof REQUESTED_LIMITS)[number];

/** The limits the backend checks configurations against (device limits, optionally capped). */
export type DeviceLimits = Readonly<
  Record<RequestedLimit | 'minUniformBufferOffsetAlignment', number>
>;

/** The least the kernels can work with (the WebGPU defaults are all above these). */
const MINIMUM: Record<RequestedLimit, number> = {
  maxStorageBufferBindingSize: 1 << 20,
  maxBufferSize: 1 << 20,
  maxComputeWorkgroupStorageSize: 4096,
  maxStorageBuffersPerShaderStage: 4,
  maxComputeInvocationsPerWorkgroup: 64,
  maxComputeWorkgroupSizeX: 64,
  maxComputeWorkgroupsPerDimension: 1024,
};

export interface DeviceRequest {
  /** lower the effective limits below the device's (tests of the limit checks; WebGPU never
   *  grants less than its defaults, so caps are applied by the backend, not the device) */
  limitCaps?: Partial<Record<RequestedLimit, number>>;
  powerPreference?: GPUPowerPreference;
}

export interface AcquiredDevice {
  adapter: GPUAdapter;
  device: GPUDevice;
  /** adapter description, e.g. "WebGPU: nvidia / ampere / … " */
  label: string;
  /** the limits configurations are checked against */
  limits: DeviceLimits;
}

/** "WebGPU: vendor / architecture / device / description", or a fallback when not exposed. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = (adapter as { info?: GPUAdapterInfo }).info;
  if (!info) return 'WebGPU (adapter info unavailable)';
  const parts = [info.vendor, info.architecture, info.device, info.description]
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter((s) => s.length > 0);
  return parts.length ? `WebGPU: ${parts.join(' / ')}` : 'WebGPU (adapter info unavailable)';
}

export async function acquireDevice(gpu: GPU, req: DeviceRequest = {}): Promise<AcquiredDevice> {
  const adapter = await gpu.requestAdapter({
    powerPreference: req.powerPreference ?? 'high-performance',
  });
  if (!adapter)
    throw new Error(
      'WebGPU is present but no GPU adapter is available (requestAdapter returned null)',
    );
  const requiredLimits: Record<string, number> = {};
  for (const name of REQUESTED_LIMITS) {
    const offered = adapter.limits[name];
    if (offered < MINIMUM[name])
      throw new BackendLimitError(
        `this GPU's ${name} is ${offered}; the rate kernels need at least ${MINIMUM[name]}`,
      );
    requiredLimits[name] = offered;
  }
  const device = await adapter.requestDevice({ requiredLimits, label: 'EI Lab' });
  const limits: Record<string, number> = {
    minUniformBufferOffsetAlignment: device.limits.minUniformBufferOffsetAlignment,
  };
  for (const name of REQUESTED_LIMITS) {
    const cap = req.limitCaps?.[name];
    limits[name] = cap !== undefined ? Math.min(cap, device.limits[name]) : device.limits[name];
  }
  return { adapter, device, label: describeAdapter(adapter), limits: limits as DeviceLimits };
}

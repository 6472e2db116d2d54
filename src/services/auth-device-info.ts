import type { DeviceInfo } from '../store/auth-session-store.js';

const UNKNOWN = 'unknown';
const MAX_HEADER_LENGTH = 4096;
const MAX_FIELD_LENGTH = 200;

/**
 * The `deviceInfo` of the OneEntry SDK's `x-device-metadata` header
 * (`{"fingerprint":…,"deviceInfo":{"os","browser","location"}}`), for describing a session only:
 * the fingerprint differs between SDK modules of one client, so nothing is bound to it. A
 * missing or malformed header gives "unknown" fields rather than an error.
 */
export function parseDeviceInfo(header: unknown): DeviceInfo {
  const raw = Array.isArray(header) ? (header[0] as unknown) : header;
  let info: unknown;
  if (typeof raw === 'string' && raw.length <= MAX_HEADER_LENGTH) {
    try {
      info = (JSON.parse(raw) as { deviceInfo?: unknown } | null)?.deviceInfo;
    } catch {
      info = undefined;
    }
  }
  return deviceInfoFrom(info);
}

/** A complete `{os, browser, location}` from whatever object is given (stored rows included). */
export function deviceInfoFrom(info: unknown): DeviceInfo {
  const d = info && typeof info === 'object' ? (info as Record<string, unknown>) : {};
  return { os: field(d.os), browser: field(d.browser), location: field(d.location) };
}

function field(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_FIELD_LENGTH) : UNKNOWN;
}

import { describe, expect, it } from 'vitest';
import { deviceInfoFrom, parseDeviceInfo } from '../../src/services/auth-device-info.js';

const unknown = { os: 'unknown', browser: 'unknown', location: 'unknown' };

describe('parseDeviceInfo', () => {
  it.each([
    ['the Node SDK header', '{"fingerprint":"UQ_x","deviceInfo":{"os":"Node.js","browser":"Node.js/abcdefghij","location":"en-US"}}', { os: 'Node.js', browser: 'Node.js/abcdefghij', location: 'en-US' }],
    ['a missing header', undefined, unknown],
    ['garbage', '{nope', unknown],
    ['JSON null', 'null', unknown],
    ['a JSON string', '"x"', unknown],
    ['no deviceInfo', '{"fingerprint":"UQ_x"}', unknown],
    ['wrong field types', '{"deviceInfo":{"os":1,"browser":null,"location":""}}', unknown],
    ['a partial deviceInfo', '{"deviceInfo":{"os":"iOS"}}', { os: 'iOS', browser: 'unknown', location: 'unknown' }],
  ])('describes %s', (_name, header, expected) => {
    expect(parseDeviceInfo(header)).toEqual(expected);
  });

  it('ignores a header longer than 4 KiB and cuts long fields to 200 characters', () => {
    expect(parseDeviceInfo(JSON.stringify({ deviceInfo: { os: 'x'.repeat(5000) } }))).toEqual(unknown);
    expect(parseDeviceInfo(JSON.stringify({ deviceInfo: { os: 'y'.repeat(300) } })).os).toHaveLength(200);
  });

  it('completes a stored row that lacks fields', () => {
    expect(deviceInfoFrom({})).toEqual(unknown);
    expect(deviceInfoFrom({ os: 'Linux', browser: 'Firefox', location: 'de-DE' })).toEqual({ os: 'Linux', browser: 'Firefox', location: 'de-DE' });
  });
});

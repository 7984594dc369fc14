// The studio's settings through the contract: kept in <home>/settings.json (mode 0600), secrets
// never sent back (the queue's password masked, the host's token only "set"), bad values refused
// in one line that does not repeat them, a damaged file named.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PIXELS } from '../../../src-main/core/contract/limits.js';
import { Studio } from '../../../src-main/core/studio.js';
import { settingsFile } from '../../../src-main/core/settings/store.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

const PASSWORD = 'pw-s3cr3t/with@odd:chars';
const TOKEN = 'tok-0123456789abcdef-never-shown';

describe('settings', () => {
  let tmp: ReturnType<typeof makeTmpDir>;
  let studio: Studio;
  beforeEach(() => {
    tmp = makeTmpDir('ls-settings-');
    studio = new Studio({ homeDir: tmp.dir, host: 'test' });
  });
  afterEach(async () => {
    await studio.close();
    tmp.cleanup();
  });

  it('starts empty; keeps the queue and the host, shows neither secret, the file readable by the user only', async () => {
    expect(await studio.call('getSettings', {})).toEqual({ queue: null, trainingHost: null, maxPixels: DEFAULT_MAX_PIXELS });
    const url = `redis://:${encodeURIComponent(PASSWORD)}@10.0.0.5:6380/2`;
    const saved = await studio.call('updateSettings', { queueUrl: url, trainingHost: { url: 'http://10.0.0.9:7000/', token: TOKEN } });
    expect(saved).toEqual({
      queue: { shown: 'redis://:***@10.0.0.5:6380/2' },
      trainingHost: { url: 'http://10.0.0.9:7000', tokenSet: true },
      maxPixels: DEFAULT_MAX_PIXELS,
    });
    const again = await studio.call('getSettings', {});
    expect(again).toEqual(saved);
    const shown = JSON.stringify(again);
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), TOKEN]) expect(shown).not.toContain(secret);
    const file = settingsFile(studio.home);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The secrets are in the file (the studio needs them), nowhere else in the home.
    expect(readFileSync(file, 'utf8')).toContain(TOKEN);
  });

  it('changes only what the request names; the token stays for the same host and is required for another', async () => {
    await studio.call('updateSettings', { queueUrl: 'redis://127.0.0.1:6379', trainingHost: { url: 'http://h:1', token: TOKEN } });
    // Absent fields are kept; the token is kept when the same host is saved without one.
    expect(await studio.call('updateSettings', { trainingHost: { url: 'http://h:1' } })).toEqual({
      queue: { shown: 'redis://127.0.0.1:6379' },
      trainingHost: { url: 'http://h:1', tokenSet: true },
      maxPixels: DEFAULT_MAX_PIXELS,
    });
    await expect(studio.call('updateSettings', { trainingHost: { url: 'http://other:2' } })).rejects.toThrow(
      'training host http://other:2: give its token',
    );
    expect(await studio.call('updateSettings', { queueUrl: null })).toEqual({
      queue: null,
      trainingHost: { url: 'http://h:1', tokenSet: true },
      maxPixels: DEFAULT_MAX_PIXELS,
    });
    expect(await studio.call('updateSettings', { trainingHost: null })).toEqual({ queue: null, trainingHost: null, maxPixels: DEFAULT_MAX_PIXELS });
  });

  it('refuses a bad queue URL, a short token and a bad host address without repeating them', async () => {
    const bad = `http://:${encodeURIComponent(PASSWORD)}@host:1`;
    const err = await studio.call('updateSettings', { queueUrl: bad }).catch((e: Error) => e);
    expect((err as Error).message).toBe('the queue URL must start with redis:// or rediss://, not http://');
    await expect(studio.call('updateSettings', { trainingHost: { url: 'http://h:1', token: 'short' } })).rejects.toThrow(/token/);
    await expect(studio.call('updateSettings', { trainingHost: { url: 'ftp://h', token: TOKEN } })).rejects.toThrow(
      'an address like http://HOST:PORT',
    );
    expect(await studio.call('getSettings', {})).toEqual({ queue: null, trainingHost: null, maxPixels: DEFAULT_MAX_PIXELS });
  });

  it('a damaged settings file is named in one line, its contents not repeated', async () => {
    writeFileSync(settingsFile(studio.home), JSON.stringify({ v: 1, queueUrl: 42, secret: PASSWORD }));
    const err = (await studio.call('getSettings', {}).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      new RegExp(`^${path.join(tmp.dir, 'settings.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: unexpected settings`),
    );
    expect(err.message).not.toContain(PASSWORD);
    writeFileSync(settingsFile(studio.home), '{ not json');
    await expect(studio.call('getSettings', {})).rejects.toThrow('the settings are not valid JSON');
  });
});

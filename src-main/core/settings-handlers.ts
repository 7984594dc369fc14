// getSettings / updateSettings (contract/app.ts). Secrets are kept in <home>/settings.json and
// never returned: the queue URL comes back with its password masked, the host's token as "set".
import type { appMethods, StudioSettings } from './contract/app.js';
import { StudioError } from './contract/errors.js';
import { DEFAULT_MAX_PIXELS } from './contract/limits.js';
import type { CoreContext, Handlers } from './context.js';
import { parseQueueUrl } from './queue/queue-url.js';
import { readSettings, writeSettings, type StoredSettings } from './settings/store.js';

export function shownSettings(s: StoredSettings): StudioSettings {
  let queue: StudioSettings['queue'] = null;
  if (s.queueUrl !== undefined) {
    try {
      queue = { shown: parseQueueUrl(s.queueUrl).shown };
    } catch {
      // Saved by hand and not a queue URL: say so without repeating it (it may hold a password).
      queue = { shown: '(not a redis:// URL: save it again)' };
    }
  }
  return {
    queue,
    trainingHost: s.trainingHost ? { url: s.trainingHost.url, tokenSet: true } : null,
    maxPixels: s.maxPixels ?? DEFAULT_MAX_PIXELS,
  };
}

/** One update at a time per studio: two saves must not lose each other's fields. */
function serial(ctx: CoreContext): { chain: Promise<unknown> } {
  return ctx.resource('settings.serial', () => ({ chain: Promise.resolve() as Promise<unknown> }));
}

export const settingsHandlers: Pick<Handlers<typeof appMethods>, 'getSettings' | 'updateSettings'> = {
  async getSettings(_req, ctx) {
    return shownSettings(await readSettings(ctx.home));
  },

  async updateSettings(req, ctx) {
    const lock = serial(ctx);
    const run = lock.chain.then(async () => {
      const s = await readSettings(ctx.home);
      if (req.queueUrl === null) delete s.queueUrl;
      else if (req.queueUrl !== undefined) {
        // Checked before it is kept; the refusal never repeats the URL (it may hold a password).
        parseQueueUrl(req.queueUrl);
        s.queueUrl = req.queueUrl;
      }
      if (req.trainingHost === null) delete s.trainingHost;
      else if (req.trainingHost !== undefined) {
        const url = req.trainingHost.url.replace(/\/+$/, '');
        const token = req.trainingHost.token ?? (s.trainingHost?.url === url ? s.trainingHost.token : undefined);
        if (token === undefined) throw new StudioError('bad-request', `training host ${url}: give its token (the one in its --token-file)`);
        s.trainingHost = { url, token };
      }
      if (req.maxPixels === null) delete s.maxPixels;
      else if (req.maxPixels !== undefined) s.maxPixels = req.maxPixels;
      await writeSettings(ctx.home, s);
      return shownSettings(s);
    });
    lock.chain = run.catch(() => {});
    return run;
  },
};

// `settings`: shows or changes the studio's settings (the queue, the training host, the largest
// image every command reads unless given --max-pixels), the same ones the studio's views save.
// Secrets are shown masked; the host's token is read from a file (a command line is visible to
// other users), and the queue URL is best given the same way.
import { readInput } from '../../core/input/open-input.js';
import type { StudioSettings } from '../../core/contract/app.js';
import { DEFAULT_MAX_PIXELS, MAX_PIXELS_STUDIO_SETTING } from '../../core/contract/limits.js';
import { intFlag, stringFlag, UsageError, type CliCommand } from '../command.js';

function text(s: StudioSettings): string {
  return [
    `queue: ${s.queue?.shown ?? '(none: batches run here)'}`,
    `training host: ${s.trainingHost ? `${s.trainingHost.url} (token saved)` : '(none: trainings run here)'}`,
    `largest image: ${s.maxPixels} pixels (${Number((s.maxPixels / 1e6).toPrecision(3))} MP${s.maxPixels === DEFAULT_MAX_PIXELS ? ', the default' : ''}; a command's --max-pixels overrides it)`,
  ].join('\n');
}

async function firstLine(file: string, what: string): Promise<string> {
  return (await readInput(file, { maxBytes: 8192, what })).bytes.toString('utf8').trim();
}

export const settingsCommand: CliCommand = {
  name: 'settings',
  summary: "show or change the studio's settings: the queue batches can run on, the training host, the largest image",
  usage:
    'settings [--queue URL | --queue-file FILE | --forget-queue] [--training-host URL --host-token-file FILE | --forget-training-host] [--max-pixels N | --forget-max-pixels]',
  options: {
    queue: { type: 'string' },
    'queue-file': { type: 'string' },
    'forget-queue': { type: 'boolean' },
    'training-host': { type: 'string' },
    'host-token-file': { type: 'string' },
    'forget-training-host': { type: 'boolean' },
    'max-pixels': { type: 'string' },
    'forget-max-pixels': { type: 'boolean' },
  },
  positionals: false,
  async run({ values }, env) {
    const studio = env.studio();
    const queueFile = stringFlag(values, 'queue-file');
    const queue = stringFlag(values, 'queue') ?? (queueFile === undefined ? undefined : await firstLine(queueFile, 'a queue URL file'));
    if (queue !== undefined && values['forget-queue']) throw new UsageError('give --queue or --forget-queue, not both');
    const host = stringFlag(values, 'training-host');
    const tokenFile = stringFlag(values, 'host-token-file');
    if (host !== undefined && values['forget-training-host'])
      throw new UsageError('give --training-host or --forget-training-host, not both');
    if (tokenFile !== undefined && host === undefined) throw new UsageError('--host-token-file goes with --training-host URL');
    const token = tokenFile === undefined ? undefined : await firstLine(tokenFile, 'a token file');
    const maxPixels = intFlag(values, 'max-pixels', 1, MAX_PIXELS_STUDIO_SETTING);
    if (maxPixels !== undefined && values['forget-max-pixels']) throw new UsageError('give --max-pixels or --forget-max-pixels, not both');
    const update = {
      ...(queue !== undefined ? { queueUrl: queue } : values['forget-queue'] ? { queueUrl: null } : {}),
      ...(host !== undefined
        ? { trainingHost: { url: host, ...(token !== undefined ? { token } : {}) } }
        : values['forget-training-host']
          ? { trainingHost: null }
          : {}),
      ...(maxPixels !== undefined ? { maxPixels } : values['forget-max-pixels'] ? { maxPixels: null } : {}),
    };
    const s = Object.keys(update).length > 0 ? await studio.call('updateSettings', update) : await studio.call('getSettings', {});
    return { json: s, text: text(s) };
  },
};

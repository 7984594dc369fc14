// The training host's token file (`serve --token-file F`): one line of at least 16 characters,
// in a regular file that only its owner can read. It is the one thing between the network and
// the host's trainer, so a weak or exposed one is refused in one line (docs/security.md section 5).
import { MIN_HOST_TOKEN } from '../core/contract/app.js';
import { StudioError } from '../core/contract/errors.js';
import { readInput } from '../core/input/open-input.js';

export async function readHostToken(file: string): Promise<string> {
  const { input, bytes } = await readInput(file, { maxBytes: 4096, what: 'a token file' });
  // Other users must not read it: on POSIX the group and others bits are off (as ssh wants of keys).
  if (process.platform !== 'win32' && (input.stats.mode & 0o077) !== 0)
    throw new StudioError('bad-request', `${input.path}: other users can read this token file (chmod 600 ${input.path})`);
  const token = bytes.toString('utf8').trim();
  if (token.length < MIN_HOST_TOKEN || !/^[\x21-\x7e]+$/.test(token))
    throw new StudioError(
      'bad-request',
      `${input.path}: the token file must hold one token of at least ${MIN_HOST_TOKEN} printable characters without spaces (e.g. openssl rand -hex 32)`,
    );
  return token;
}

// The queue URL: parsed, shown without its password, and the password masked in any message.
import { describe, expect, it } from 'vitest';
import { parseQueueUrl, redact } from '../../../src-main/core/queue/queue-url.js';

describe('queue URL', () => {
  it('reads host, port, password and database, and shows the URL without the password', () => {
    const q = parseQueueUrl('redis://:s%40cret@db.example:6390/2');
    expect(q).toMatchObject({ host: 'db.example', port: 6390, db: 2, password: 's@cret', tls: false });
    expect(q.shown).toBe('redis://:***@db.example:6390/2');
    expect(parseQueueUrl('rediss://h').shown).toBe('rediss://h');
    expect(parseQueueUrl('redis://h').port).toBe(6379);
  });

  it('masks the password in every form a message could carry it', () => {
    const q = parseQueueUrl('redis://:s%40cret@h:1');
    const text = `failed on redis://:s%40cret@h:1 with s@cret and s%40cret`;
    expect(redact(text, q)).toBe('failed on redis://:***@h:1 with *** and ***');
  });

  it('refuses what is not a redis URL without repeating it', () => {
    expect(() => parseQueueUrl('http://:pw@h:1')).toThrow(/must start with redis:\/\//);
    try {
      parseQueueUrl('not a url with pw-123');
    } catch (err) {
      expect((err as Error).message).not.toContain('pw-123');
    }
    expect(() => parseQueueUrl('not a url')).toThrow(/redis:\/\/HOST:PORT/);
  });
});

// Requests no file can answer (malformed % escapes, NULs, unparsable targets) are clean 400s
// with one line, never a 500 with Node's own text.
import { describe, expect, it } from 'vitest';
import { useServedStudio } from './served-studio.js';
import { rawRequest } from './raw-http.js';

const s = useServedStudio();

describe('bad request paths', () => {
  it('malformed % escapes and NULs in static paths are 400 with one line', async () => {
    for (const p of ['/%', '/assets/%E0%A4%A', '/%zz.js', '/assets/app.js%00.png', '/%C0%AF']) {
      const res = await rawRequest(s.server.port, { path: p });
      expect(res.status, p).toBe(400);
      expect(res.body, p).toBe('bad request path (a malformed % escape or a NUL)\n');
    }
    expect((await rawRequest(s.server.port, { path: '/assets/app%2Ejs' })).status).toBe(200);
  });
});

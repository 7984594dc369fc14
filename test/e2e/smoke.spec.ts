// A newcomer's first contact: the studio opens in Chromium, shows the library, and a contract
// call goes end to end (page -> HTTP with token -> core -> back); calls without the token fail.
import { expect, test } from './fixtures.ts';

test('opens the studio, shows the library and calls the contract', async ({ page, studioServer }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(studioServer.launchUrl);
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();
  // The launch link is gone from the address bar; a reload keeps the studio (the session cookie).
  expect(page.url()).toBe(studioServer.url);
  await page.reload();
  await expect(page.getByRole('main', { name: 'Library' })).toBeVisible();

  // One contract method end to end, through the page's own client.
  const info = await page.evaluate(async () => {
    const token = document.querySelector<HTMLMetaElement>('meta[name="studio-token"]')!.content;
    const res = await fetch('/api/getAppInfo', { method: 'POST', headers: { 'x-studio-token': token, 'content-type': 'application/json' }, body: '{}' });
    return (await res.json()) as { ok: boolean; result: { home: string; host: string } };
  });
  expect(info.ok).toBe(true);
  expect(info.result.home).toBe(studioServer.home);
  expect(info.result.host).toBe('server');
  expect(errors).toEqual([]);
  await page.screenshot({ path: 'test-results/smoke-library.png' });
});

test('refuses API calls without the per-launch token, and the page without the launch link', async ({ request, studioServer }) => {
  const page = await request.get(studioServer.url);
  expect(page.status()).toBe(401);
  expect(await page.text()).not.toContain('studio-token');
  const res = await request.post(`${studioServer.url}api/getAppInfo`, { data: {} });
  expect(res.status()).toBe(401);
  const wrong = await request.post(`${studioServer.url}api/getAppInfo`, { data: {}, headers: { 'x-studio-token': 'nope' } });
  expect(wrong.status()).toBe(401);
  const right = await request.post(`${studioServer.url}api/getAppInfo`, { data: {}, headers: { 'x-studio-token': await studioServer.token() } });
  expect(right.status()).toBe(200);
});

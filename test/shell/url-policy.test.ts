// The shell's URL decisions, without the Electron binary: which pages are ours, where the window
// may navigate, and which links go to the system browser.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { externalLinkDecision, makeOurUrlCheck, navigationAllowed } from '../../src-main/shell/url-policy.js';

const rendererDir = path.resolve('/app/out/renderer');
const page = pathToFileURL(path.join(rendererDir, 'index.html')).href;

describe('our renderer URL (packaged, file://)', () => {
  const ours = makeOurUrlCheck({ rendererDir });

  it('accepts files inside the renderer folder, with routes and queries', () => {
    expect(ours(page)).toBe(true);
    expect(ours(`${page}#/import`)).toBe(true);
    expect(ours(pathToFileURL(path.join(rendererDir, 'assets', 'app.js')).href)).toBe(true);
  });

  it('refuses a sibling folder that shares the prefix, and escapes by .. or encoded separators', () => {
    expect(ours(pathToFileURL(`${rendererDir}-evil/index.html`).href)).toBe(false);
    expect(ours(pathToFileURL(`${rendererDir}2/index.html`).href)).toBe(false);
    expect(ours(`${pathToFileURL(rendererDir).href}/../secret.html`)).toBe(false);
    expect(ours(`${pathToFileURL(rendererDir).href}/%2e%2e/secret.html`)).toBe(false);
    expect(ours(`${pathToFileURL(rendererDir).href}/..%2Fsecret.html`)).toBe(false);
    expect(ours(pathToFileURL(rendererDir).href)).toBe(false);
  });

  it('refuses other schemes, hosts and garbage', () => {
    expect(ours(page.replace('file:', 'http:'))).toBe(false);
    expect(ours(`file://evil.example${new URL(page).pathname}`)).toBe(false);
    expect(ours('https://evil.example/app/out/renderer/index.html')).toBe(false);
    expect(ours('not a url')).toBe(false);
    expect(ours('')).toBe(false);
  });
});

describe('our renderer URL (development server)', () => {
  const ours = makeOurUrlCheck({ devUrl: 'http://localhost:5173', rendererDir });

  it('matches the exact origin, any path on it', () => {
    expect(ours('http://localhost:5173/')).toBe(true);
    expect(ours('http://localhost:5173/#/batch')).toBe(true);
    expect(ours('http://localhost:5173/src/main.ts')).toBe(true);
  });

  it('does not match a longer port, another host that starts the same, or another scheme', () => {
    expect(ours('http://localhost:51730/')).toBe(false);
    expect(ours('http://localhost:5173.evil.example/')).toBe(false);
    expect(ours('http://localhost:5173@evil.example/')).toBe(false);
    expect(ours('https://localhost:5173/')).toBe(false);
    expect(ours('http://127.0.0.1:5173/')).toBe(false);
    expect(ours(page)).toBe(false);
  });
});

describe('navigation', () => {
  const ours = makeOurUrlCheck({ rendererDir });
  it('stays on our renderer', () => {
    expect(navigationAllowed(`${page}#/charts`, ours)).toBe(true);
    expect(navigationAllowed('https://evil.example/', ours)).toBe(false);
    expect(navigationAllowed('file:///etc/passwd', ours)).toBe(false);
    expect(navigationAllowed('javascript:alert(1)', ours)).toBe(false);
  });
});

describe('links to outside pages', () => {
  const allowed = ['https://github.com'];

  it('opens allowlisted https origins, asks about other https links', () => {
    expect(externalLinkDecision('https://github.com/some/repo', allowed)).toBe('open');
    expect(externalLinkDecision('https://github.com.evil.example/', allowed)).toBe('ask');
    expect(externalLinkDecision('https://example.org/paper.pdf', allowed)).toBe('ask');
    expect(externalLinkDecision('https://github.com/x')).toBe('ask');
  });

  it('never hands on other schemes or links with credentials', () => {
    for (const url of [
      'http://github.com/',
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'https://github.com@evil.example/',
      'https://user:pw@github.com/',
      'not a url',
    ]) {
      expect(externalLinkDecision(url, allowed), url).toBe('deny');
    }
  });
});

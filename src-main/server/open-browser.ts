// Opens the launch link in the user's default browser (`serve` without --no-open). The link is
// one-time, so nothing is lost if this fails: the user opens the printed link instead.
import { spawn } from 'node:child_process';

export interface BrowserCommand {
  command: string;
  args: string[];
}

/** How to open a URL on this platform, or why we do not try. */
export function browserCommand(url: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): BrowserCommand | { skip: string } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // Not `cmd /c start`: cmd would treat & and ^ in a URL as its own syntax.
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  // Without a display xdg-open would start a text browser on our terminal, or fail.
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return { skip: 'no display' };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the browser and does not wait for it; resolves with a problem to report, or null. */
export function openBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | null> {
  const how = browserCommand(url, platform, env);
  if ('skip' in how) return Promise.resolve(how.skip);
  return new Promise((resolve) => {
    const child = spawn(how.command, how.args, { detached: true, stdio: 'ignore' });
    child.once('error', (err: NodeJS.ErrnoException) => resolve(`${how.command}: ${err.code ?? err.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}

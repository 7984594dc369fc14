// Runs the real CLI in-process on a studio home and collects what it printed.
import { main } from '../../src-main/cli/main.js';
import { sink } from '../helpers/text-sink.js';

export async function runCli(home: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(['--home', home, ...argv], { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

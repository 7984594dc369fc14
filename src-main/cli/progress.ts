// A progress line on stderr: redrawn in place on a terminal, a line every few seconds otherwise.
export interface ProgressBar {
  update(done: number, total: number, detail?: string): void;
  done(message?: string): void;
}

export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, label: string): ProgressBar {
  const started = Date.now();
  let lastLine = 0;
  const tty = Boolean(stream.isTTY);
  return {
    update(done, total, detail = '') {
      const now = Date.now();
      if (!tty && now - lastLine < 2000 && done < total) return;
      lastLine = now;
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const elapsed = (now - started) / 1000;
      const eta = frac > 0 && frac < 1 ? ` ETA ${formatSeconds((elapsed * (1 - frac)) / frac)}` : '';
      const width = 24;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const line = `${label} [${bar}] ${done}/${total}${eta}${detail ? ` ${detail}` : ''}`;
      if (tty) stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      else stream.write(`${line}\n`);
    },
    done(message) {
      if (tty) stream.write('\r\x1b[2K');
      if (message) stream.write(`${message}\n`);
    },
  };
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

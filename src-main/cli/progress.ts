// A progress line on stderr: redrawn in place on a terminal, a line every few seconds otherwise.
/** How far the item after the `done` ones is: its tiles, say (a large photo takes a minute). */
export interface ProgressPart {
  done: number;
  total: number;
  unit: string;
}

/** Where the work says it is, when it knows better than done/total (a training on a time budget). */
export interface ProgressKnown {
  fraction: number;
  etaSeconds: number | null;
}

export interface ProgressBar {
  /**
   * `part`: the bar and the ETA move within item done+1, which the line names ("file 1/1 · tile 12/96").
   * `known`: the bar and the ETA are the work's own (the count still reads done/total).
   */
  update(done: number, total: number, detail?: string, part?: ProgressPart, known?: ProgressKnown): void;
  done(message?: string): void;
}

export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, label: string): ProgressBar {
  const started = Date.now();
  let lastLine = 0;
  const tty = Boolean(stream.isTTY);
  return {
    update(done, total, detail = '', part, known) {
      const now = Date.now();
      if (!tty && now - lastLine < 2000 && done < total) return;
      lastLine = now;
      const within = part && part.total > 0 && done < total ? Math.min(1, part.done / part.total) : 0;
      const frac = known ? Math.min(1, Math.max(0, known.fraction)) : total > 0 ? Math.min(1, (done + within) / total) : 0;
      const elapsed = (now - started) / 1000;
      const left = known ? known.etaSeconds : frac > 0 ? (elapsed * (1 - frac)) / frac : null;
      const eta = frac > 0 && frac < 1 && left !== null ? ` ETA ${formatSeconds(left)}` : '';
      const width = 24;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      const count = within > 0 ? `file ${done + 1}/${total} · ${part!.unit} ${part!.done}/${part!.total}` : `${done}/${total}`;
      const line = `${label} [${bar}] ${count}${eta}${detail ? ` ${detail}` : ''}`;
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

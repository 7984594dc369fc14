// Remembers the main window's size, position and maximized state between launches.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 840, maximized: false };

export function loadWindowState(dir: string): WindowState {
  try {
    return WindowState.parse(JSON.parse(readFileSync(path.join(dir, 'window-state.json'), 'utf8')));
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

/** Keeps the window on a visible display: a saved position off every screen is dropped. */
export function fitToDisplays(state: WindowState, displays: { x: number; y: number; width: number; height: number }[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = displays.some((d) => x + 50 >= d.x && y >= d.y && x + 50 <= d.x + d.width && y + 50 <= d.y + d.height);
  return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
}

export async function saveWindowState(dir: string, state: WindowState): Promise<void> {
  await writeFile(path.join(dir, 'window-state.json'), JSON.stringify(state));
}

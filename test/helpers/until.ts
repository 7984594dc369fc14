// Waits for a condition the code under test must make true, with a deadline that names it.
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000, everyMs = 10): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

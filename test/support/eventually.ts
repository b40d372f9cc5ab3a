/**
 * Poll until `read` answers something other than undefined, for what the platform does
 * after it answers (event consumers, timers); fail naming `what` after `timeoutMs`.
 */
export async function eventually<T>(read: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

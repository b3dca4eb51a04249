// The child's half of a ProcessGroup (process-group.ts): its service id, the ready or failed
// message to the parent over IPC, and leaving with the parent (no orphans).

/** The environment variable a child finds its service id in. */
export const SERVICE_ID_ENV = 'TOTO_SERVICE_ID';

export type ChildMessage = { toto: 'ready'; info: unknown } | { toto: 'failed'; error: string };

export function isChildMessage(message: unknown): message is ChildMessage {
  const kind = (message as { toto?: unknown } | null)?.toto;
  return kind === 'ready' || (kind === 'failed' && typeof (message as { error?: unknown }).error === 'string');
}

/** This process's service id (0..N-1) as its group gave it; throws if it was not started by one. */
export function serviceIdFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[SERVICE_ID_ENV];
  const id = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(id) || id < 0) {
    throw new RangeError(`${SERVICE_ID_ENV}: expected an integer >= 0 (this module runs as a child of a ProcessGroup), got ${JSON.stringify(raw)}`);
  }
  return id;
}

/** Tells the parent this child is ready, with what it wants the parent to know (JSON). */
export function reportReady(info: unknown = {}): void {
  process.send?.({ toto: 'ready', info } satisfies ChildMessage);
}

/** Tells the parent this child could not start; the parent's start() fails with this message. */
export function reportFailed(error: unknown): Promise<void> {
  const message: ChildMessage = { toto: 'failed', error: error instanceof Error ? error.message : String(error) };
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

/**
 * Ends this process when the parent goes away (its IPC channel closes: the parent exited or was
 * killed): `cleanup` gets `graceMs` to close what it opened, then the process exits regardless.
 * Returns a function that stops watching (call it before disconnecting on purpose).
 */
export function exitWithParent(cleanup: () => Promise<void> | void = () => undefined, graceMs = 2_000): () => void {
  if (!process.send) return () => undefined;
  const onDisconnect = (): void => {
    setTimeout(() => process.exit(0), graceMs).unref();
    Promise.resolve()
      .then(cleanup)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.once('disconnect', onDisconnect);
  return () => process.removeListener('disconnect', onDisconnect);
}

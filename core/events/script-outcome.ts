/**
 * What one event's apply script answered (scripts.ts): applied, already in the log, refused
 * by the script, or an error from Redis. Nothing of an event is written unless it applied, so an
 * event that was not applied can be run again as it is.
 */
export type ScriptOutcome =
  | { kind: 'applied' }
  | { kind: 'duplicate' }
  /** The script checked something it needs and refused the event before writing anything. */
  | { kind: 'refused'; reason: string }
  /** Redis answered this script with an error of the data: running it again fails again. */
  | { kind: 'failed'; reason: string }
  /** Redis could not run it now (loading, busy, failing over, out of memory, gone): worth a retry. */
  | { kind: 'retry'; reason: string; error: Error };

/**
 * Redis' error codes of a server that cannot run a command for now, as opposed to a command or a
 * script that fails on the data it finds (ERR, WRONGTYPE).
 */
const PASSING = /^(LOADING|BUSY|OOM|READONLY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|NOREPLICAS|MISCONF|NOSCRIPT|MOVED|ASK)\b/;

export function scriptOutcome([err, res]: [Error | null, unknown]): ScriptOutcome {
  if (err) {
    const reason = `Redis could not run the script: ${err.message}`;
    // A ReplyError is Redis' answer to this one script; anything else is the connection's.
    if (err.name === 'ReplyError' && !PASSING.test(err.message)) return { kind: 'failed', reason };
    return { kind: 'retry', reason, error: err };
  }
  if (Array.isArray(res)) return { kind: 'refused', reason: String(res[1] ?? 'refused') };
  if (res === 1) return { kind: 'applied' };
  if (res === 0) return { kind: 'duplicate' };
  return { kind: 'failed', reason: `the script answered ${JSON.stringify(res)}` };
}

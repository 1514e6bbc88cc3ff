/**
 * The session marker: `<dataDir>/session.lock` holds the pid of the app that is running.
 * It is written when the engine starts and removed on a clean exit (EngineHost.close).
 * Finding one at start whose process is gone means the last session ended in a crash (or
 * a kill), and the app offers to restore the autosaved project.
 */
import { readFileSync, rmSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './files';

export const SESSION_FILE = 'session.lock';

export function sessionFile(dataDir: string): string {
  return path.join(dataDir, SESSION_FILE);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks this session and says whether the previous one crashed: a marker from another
 * process that no longer runs. A marker of this very process (the engine restarted after
 * a crash of its worker) is not a previous session.
 */
export async function beginSession(dataDir: string): Promise<{ crashed: boolean; previousPid: number | null }> {
  let previousPid: number | null = null;
  try {
    const raw = JSON.parse(await fs.readFile(sessionFile(dataDir), 'utf8')) as { pid?: unknown };
    if (typeof raw.pid === 'number' && Number.isInteger(raw.pid) && raw.pid > 0) previousPid = raw.pid;
  } catch (e) {
    // No marker: a clean start. An unreadable marker counts as a crash (it was being written).
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') previousPid = -1;
  }
  const crashed = previousPid !== null && previousPid !== process.pid && (previousPid === -1 || !alive(previousPid));
  await writeFileAtomic(sessionFile(dataDir), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
  return { crashed, previousPid };
}

/** Removes this process's marker (a clean exit). Synchronous, so it can run in exit handlers. */
export function endSession(dataDir: string): void {
  try {
    const raw = JSON.parse(readFileSync(sessionFile(dataDir), 'utf8')) as { pid?: unknown };
    if (raw.pid === process.pid) rmSync(sessionFile(dataDir), { force: true });
  } catch {
    /* no marker, or not ours */
  }
}

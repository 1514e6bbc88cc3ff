/** The run history: one JSON file per run under <dataDir>/runs, written atomically. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { RunRecordSchema, type RunRecord } from '../../../shared/runs';
import { writeFileAtomic } from '../platform/files';

const MAX_RUNS = 500;

export class RunStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error('bad run id');
    return path.join(this.dir, `${id}.json`);
  }

  async save(record: RunRecord): Promise<void> {
    await writeFileAtomic(this.file(record.id), JSON.stringify(record));
  }

  /** Every readable run, newest first; unreadable files are skipped, never deleted. */
  async list(): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const runs: RunRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).slice(-MAX_RUNS)) {
      try {
        const parsed = RunRecordSchema.safeParse(JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8')));
        if (parsed.success) runs.push(parsed.data);
      } catch {
        /* a damaged run file is left alone */
      }
    }
    return runs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async delete(id: string): Promise<boolean> {
    try {
      await fs.rm(this.file(id));
      return true;
    } catch {
      return false;
    }
  }
}

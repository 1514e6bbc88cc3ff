/** The settings channels: `<dataDir>/settings.json`, checked against the contract's schema on every read. */
import * as path from 'node:path';
import { SettingsSchema, type Settings } from '../../../shared/ipc/contract';
import { readJson, writeFileAtomic } from '../platform/files';
import type { HandlersFor } from '../jobs/service';

const DEFAULT_SETTINGS: Settings = { language: 'fa' };

export class SettingsStore {
  constructor(private readonly dataDir: () => string) {}

  private file(): string {
    return path.join(this.dataDir(), 'settings.json');
  }

  /** The settings; defaults for what is missing, all defaults when the file is unreadable or invalid. */
  async read(): Promise<Settings> {
    const raw = await readJson(this.file());
    const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(raw && typeof raw === 'object' ? raw : {}) });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...(await this.read()), ...patch });
    await writeFileAtomic(this.file(), JSON.stringify(next, null, 2));
    return next;
  }
}

export function settingsHandlers(store: SettingsStore): HandlersFor<'settings.get' | 'settings.set'> {
  return {
    'settings.get': async () => store.read(),
    'settings.set': async (patch) => store.update(patch),
  };
}

/**
 * Project files: read strictly (a corrupt, truncated or newer file is refused with a
 * code and left untouched, never half-loaded) and written atomically.
 */
import { promises as fs } from 'node:fs';
import { AppError } from '../../shared/errors';
import { PROJECT_FORMAT, PROJECT_VERSION, ProjectSchema, type Project } from '../../shared/project';
import { writeFileAtomic } from './files';

export async function readProjectFile(file: string): Promise<Project | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new AppError('E_DISK', { op: 'read', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError('E_PROJECT_CORRUPT', { reason: 'not_json' });
  }
  const obj = raw as { format?: unknown; version?: unknown };
  if (!obj || typeof obj !== 'object' || obj.format !== PROJECT_FORMAT) throw new AppError('E_PROJECT_CORRUPT', { reason: 'not_a_project' });
  if (typeof obj.version === 'number' && obj.version > PROJECT_VERSION) {
    throw new AppError('E_PROJECT_NEWER', { version: obj.version, supported: PROJECT_VERSION });
  }
  const parsed = ProjectSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new AppError('E_PROJECT_CORRUPT', { reason: 'schema', path: i ? i.path.map(String).join('.') : '' });
  }
  return parsed.data;
}

export async function writeProjectFile(file: string, project: Project): Promise<void> {
  try {
    await writeFileAtomic(file, JSON.stringify(project, null, 1));
  } catch (e) {
    throw new AppError('E_DISK', { op: 'write', detail: (e as NodeJS.ErrnoException).code ?? 'EIO' });
  }
}

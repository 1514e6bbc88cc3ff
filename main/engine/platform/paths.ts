import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where SeqLab keeps settings, projects and runs when not inside Electron (browser mode,
 * command line). Matches Electron's userData folder for the product name "SeqLab", so
 * both modes share one settings file.
 */
export function defaultDataDir(): string {
  if (process.env.SEQLAB_DATA_DIR) return path.resolve(process.env.SEQLAB_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'SeqLab');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'SeqLab');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'SeqLab');
}

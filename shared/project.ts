import { z } from 'zod';
import { ModelSpecSchema } from './experiment';
import { RunRecordSchema } from './runs';

/**
 * The project file (versioned JSON). Version 2 holds the project's id and name, the
 * builder graph with its canvas layout (the layout never goes inside the model spec), the
 * Keras model spec when the graph is valid, and the project's run history: every run with
 * its model spec, dataset and windowing, settings, seed, backend, wall time, per-epoch
 * history and results. A project file handed to someone else carries its runs.
 *
 * Version 1 files (builder only, no id, no runs) are still read: migrateProject turns
 * them into version 2. A file with a higher version is refused, never half-read.
 */
export const PROJECT_FORMAT = 'seqlab-project';
export const PROJECT_VERSION = 2;
/** Most runs one project keeps (the oldest go first). */
export const MAX_PROJECT_RUNS = 500;
/** File name ending of project files. */
export const PROJECT_EXTENSION = '.seqlab.json';

const ParamValueSchema = z.union([z.number(), z.boolean(), z.string().max(200), z.null(), z.array(z.number().nullable()).max(8)]);
const ParamsSchema = z.record(z.string().max(64), ParamValueSchema);

export const BuilderGraphSchema = z.object({
  name: z.string().max(128).optional(),
  nodes: z
    .array(
      z.object({
        id: z.string().min(1).max(128),
        block: z.string().min(1).max(64),
        params: ParamsSchema,
        wrapped: z.object({ block: z.string().min(1).max(64), params: ParamsSchema, name: z.string().max(128).optional() }).optional(),
        name: z.string().max(128).optional(),
      }),
    )
    .max(300),
  edges: z
    .array(
      z.object({
        id: z.string().min(1).max(300),
        source: z.string().min(1).max(128),
        target: z.string().min(1).max(128),
        targetIndex: z.number().int().min(0).max(64).optional(),
      }),
    )
    .max(1000),
});

export const LayoutSchema = z.record(z.string().max(128), z.object({ x: z.number().finite(), y: z.number().finite() }));

/** The builder's part of a project: graph, canvas layout and the preset it came from. */
export const BuilderStateSchema = z.object({
  graph: BuilderGraphSchema,
  layout: LayoutSchema,
  presetId: z.string().max(64).nullable(),
});
export type BuilderState = z.infer<typeof BuilderStateSchema>;

export const ProjectIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** Version 1 (read only, migrated on load). */
export const ProjectV1Schema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(1),
  name: z.string().max(200),
  savedAt: z.string().max(40),
  builder: BuilderStateSchema,
  model: ModelSpecSchema.nullable(),
});
export type ProjectV1 = z.infer<typeof ProjectV1Schema>;

export const ProjectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  id: ProjectIdSchema,
  /** The name people gave the project (may be empty: the UI then says "untitled"). */
  name: z.string().max(200),
  createdAt: z.string().max(40),
  savedAt: z.string().max(40),
  /** Null until the builder has saved a graph into this project. */
  builder: BuilderStateSchema.nullable(),
  /** The Keras topology of the graph, present when the graph is valid. */
  model: ModelSpecSchema.nullable(),
  /** The project's runs, oldest first. */
  runs: z.array(RunRecordSchema).max(MAX_PROJECT_RUNS),
});
export type Project = z.infer<typeof ProjectSchema>;

/** A version 1 project as version 2 (a new id; no runs). */
export function migrateProject(v1: ProjectV1, id: string, now: string): Project {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    id,
    name: v1.name === 'model' ? '' : v1.name,
    createdAt: v1.savedAt || now,
    savedAt: v1.savedAt || now,
    builder: v1.builder,
    model: v1.model,
    runs: [],
  };
}

/** An empty project. */
export function emptyProject(id: string, name: string, now: string): Project {
  return { format: PROJECT_FORMAT, version: PROJECT_VERSION, id, name, createdAt: now, savedAt: now, builder: null, model: null, runs: [] };
}

/** A file name for a project: its name with only safe characters, and the extension. */
export function projectFileName(name: string): string {
  const stem = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${stem || 'project'}${PROJECT_EXTENSION}`;
}

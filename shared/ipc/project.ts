/**
 * Channels of projects and model import (issues #5 and #8), spread into the one contract
 * (contract.ts). Request schemas are strict: the renderer is untrusted.
 *
 * The engine keeps the current project (builder state + run history) and autosaves it
 * atomically. Files reach the engine as bytes in chunks (the renderer never names a
 * path): a project file to open, or the files of a trained model (model.json + its .bin
 * shards, or a Keras .h5). In the desktop app, `project.openDialog` / `project.saveDialog`
 * are app channels (APP_CHANNELS): the router answers them with native dialogs from the
 * main process; browser mode refuses them (E_UNKNOWN_CHANNEL) and the window uses a file
 * input and a download instead.
 */
import { z } from 'zod';
import { ModelSpecSchema } from '../experiment';
import { BuilderStateSchema, ProjectIdSchema, ProjectSchema } from '../project';

/** Bytes per upload chunk (base64 in the message: about 1.4 MB), as for CSV files. */
export const PROJECT_CHUNK_BYTES = 1024 * 1024;
/** Largest project file accepted. */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;
/** Largest model upload (all files together). */
export const MAX_MODEL_BYTES = 256 * 1024 * 1024;
/** Most files in one model upload (model.json + shards). */
export const MAX_MODEL_FILES = 64;

export const UploadIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/);
export const ImportIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/);
const Chunk = z
  .string()
  .max(Math.ceil(PROJECT_CHUNK_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);
/** A file name as the user's system gave it (display, and the name shards are found by). */
const FileName = z.string().min(1).max(200);

/** Set when the previous session did not end cleanly and an autosave exists to restore. */
export const RecoverySchema = z.object({
  /** When the autosave being offered was written. */
  savedAt: z.string(),
  name: z.string(),
  runs: z.number().int(),
});
export type Recovery = z.infer<typeof RecoverySchema>;

const ProjectReply = z.object({ project: ProjectSchema });

/** How many earlier projects the start page lists. */
export const MAX_RECENT_PROJECTS = 8;
/** An earlier project kept in the data folder (replaced by New or Open), for the start page. */
export const RecentProjectSchema = z.object({
  id: ProjectIdSchema,
  name: z.string().max(200),
  savedAt: z.string().max(40),
  runs: z.number().int().nonnegative(),
});
export type RecentProject = z.infer<typeof RecentProjectSchema>;

export const ImportedModelSchema = z.object({
  importId: ImportIdSchema,
  /** The file the model came from (model.json or the .h5 name). */
  name: z.string(),
  format: z.enum(['tfjs', 'keras-h5', 'keras3', 'keras3-config']),
  /** The Keras topology, for the builder (fromKerasSpec). */
  topology: ModelSpecSchema,
  params: z.number().int().nonnegative(),
});
export type ImportedModelInfo = z.infer<typeof ImportedModelSchema>;

export const projectChannels = {
  /** The current project (null before anything was saved in a fresh data folder), and a crash recovery offer. */
  'project.load': {
    request: z.object({}).strict(),
    response: z.object({
      project: ProjectSchema.nullable(),
      recovery: RecoverySchema.nullable().optional(),
      /** Why the autosave could not be used (E_PROJECT_CORRUPT / E_PROJECT_NEWER with the name of the copy kept aside). */
      problem: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }).optional(),
    }),
  },
  /** Saves the builder's part of the current project (autosave). */
  'project.save': {
    request: z.object({ builder: BuilderStateSchema, model: ModelSpecSchema.nullable() }).strict(),
    response: z.object({ savedAt: z.string() }),
  },
  /** Starts a new, empty project (the current one is kept in the data folder's projects/). */
  'project.new': { request: z.object({ name: z.string().max(200).optional() }).strict(), response: ProjectReply },
  'project.rename': { request: z.object({ name: z.string().max(200) }).strict(), response: ProjectReply },
  /** Opening a project file sent as bytes: begin, chunks in order, end (the file becomes the current project). */
  'project.openBegin': {
    request: z.object({ name: FileName, size: z.number().int().min(1).max(MAX_PROJECT_BYTES) }).strict(),
    response: z.object({ uploadId: UploadIdSchema }),
  },
  'project.openChunk': {
    request: z.object({ uploadId: UploadIdSchema, seq: z.number().int().min(0).max(1_000_000), dataBase64: Chunk }).strict(),
    response: z.object({ received: z.number().int() }),
  },
  'project.openEnd': { request: z.object({ uploadId: UploadIdSchema }).strict(), response: ProjectReply },
  /** Earlier projects kept in the data folder, newest first (the current one excluded). */
  'project.recent': { request: z.object({}).strict(), response: z.object({ projects: z.array(RecentProjectSchema).max(MAX_RECENT_PROJECTS) }) },
  /** Makes an earlier project the current one (the current one is kept in its place). */
  'project.switch': { request: z.object({ id: ProjectIdSchema }).strict(), response: ProjectReply },
  /** The current project as a file's text, for a download ("Save project as…" in browser mode). */
  'project.export': { request: z.object({}).strict(), response: z.object({ fileName: z.string(), text: z.string() }) },
  /** Desktop only: a native open dialog; null when cancelled. */
  'project.openDialog': { request: z.object({}).strict(), response: z.object({ project: ProjectSchema.nullable() }) },
  /** Desktop only: a native save dialog; the file's name (not its folder) when saved, null when cancelled. */
  'project.saveDialog': { request: z.object({}).strict(), response: z.object({ fileName: z.string().nullable() }) },
  /** After a crash: make the offered autosave the current project, or set it aside and start fresh. */
  'project.recover': { request: z.object({ restore: z.boolean() }).strict(), response: ProjectReply },
  /** Importing a trained model's files: begin (names and sizes), chunks per file in order, end. */
  'model.importBegin': {
    request: z
      .object({ files: z.array(z.object({ name: FileName, size: z.number().int().min(1).max(MAX_MODEL_BYTES) }).strict()).min(1).max(MAX_MODEL_FILES) })
      .strict(),
    response: z.object({ uploadId: UploadIdSchema }),
  },
  'model.importChunk': {
    request: z.object({ uploadId: UploadIdSchema, file: z.number().int().min(0).max(MAX_MODEL_FILES), seq: z.number().int().min(0).max(1_000_000), dataBase64: Chunk }).strict(),
    response: z.object({ received: z.number().int() }),
  },
  'model.importEnd': { request: z.object({ uploadId: UploadIdSchema }).strict(), response: ImportedModelSchema },
} as const;

/** What train.start adds: start from an imported model's weights (used only when the spec still fits them). */
export const InitialWeightsSchema = z.object({ importId: ImportIdSchema }).strict();
export const InitialWeightsUseSchema = z.enum(['used', 'dropped']);

import { z } from 'zod';
import { ModelSpecSchema } from './experiment';

/**
 * The project file (versioned). It holds the builder graph with its canvas layout (the
 * layout never goes inside the model spec), the Keras model spec when the graph is valid,
 * and, as later features add them, dataset choice, training settings and run history.
 */
export const PROJECT_FORMAT = 'seqlab-project';
export const PROJECT_VERSION = 1;

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

export const ProjectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().max(200),
  savedAt: z.string().max(40),
  builder: z.object({
    graph: BuilderGraphSchema,
    layout: LayoutSchema,
    presetId: z.string().max(64).nullable(),
  }),
  /** The Keras topology of the graph, present when the graph is valid. */
  model: ModelSpecSchema.nullable(),
});
export type Project = z.infer<typeof ProjectSchema>;

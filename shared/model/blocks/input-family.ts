/** Input blocks: their params are the axes of `batch_input_shape` after the batch axis, in order. */
import type { BlockDef, Bilingual, ParamDef } from './types';

export function inputBlock(o: {
  id: string; lesson: string; dtype: 'float32' | 'int32'; name: Bilingual; help: Bilingual; params: ParamDef[]; timeAxis: number | null; series?: boolean;
}): BlockDef {
  return {
    id: o.id, className: 'InputLayer', kind: 'input', wrapper: false, lesson: o.lesson, arity: { min: 0, max: 0 }, dtype: o.dtype,
    name: o.name, help: o.help, params: o.params,
    input: { dims: o.params.map((p) => p.name), timeAxis: o.timeAxis, series: o.series },
  };
}

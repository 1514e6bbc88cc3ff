/**
 * 'same' padding for tfjs-backend-wasm 4.22's 2-D convolutions, given as explicit pads.
 *
 * The package hands 'same' to XNNPACK as its TensorFlow-SAME flag, and XNNPACK's own
 * padding then disagrees with tfjs's whenever the stride exceeds the kernel size (e.g. a
 * kernel of 2 with stride 3): the output is wrong (all zeros on [1, 1, 18, 1]) and memory
 * past the output is written. tfjs computes the same pads either way, so the wrappers
 * below pass them as explicit numbers, which XNNPACK takes as they are. The forward
 * kernels Conv2D, FusedConv2D, DepthwiseConv2dNative and FusedDepthwiseConv2D are
 * wrapped; their gradients are other kernels and record the original attributes.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: unknown };

interface ConvAttrs {
  strides: [number, number] | number;
  dilations?: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

const KERNELS = [
  { name: 'Conv2D', depthwise: false },
  { name: 'FusedConv2D', depthwise: false },
  { name: 'DepthwiseConv2dNative', depthwise: true },
  { name: 'FusedDepthwiseConv2D', depthwise: true },
];

const WRAPPED = Symbol('seqlab.explicitSame');

/** The explicit pads tfjs computes for 'same' padding, in the layout's axis order. */
export function explicitSamePads(x: number[], filter: number[], attrs: ConvAttrs, depthwise: boolean): tf.backend_util.ExplicitPadding {
  const format = attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast';
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number], filter as [number, number, number, number], attrs.strides, attrs.dilations ?? 1, 'same', attrs.dimRoundingMode, depthwise, format,
  );
  const { top, bottom, left, right } = info.padInfo;
  return format === 'channelsLast' ? [[0, 0], [top, bottom], [left, right], [0, 0]] : [[0, 0], [0, 0], [top, bottom], [left, right]];
}

/** Wraps the wasm kernels (once). Returns the names wrapped by this call. */
export function installExplicitSamePadding(): string[] {
  const done: string[] = [];
  for (const { name, depthwise } of KERNELS) {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock || (stock.kernelFunc as unknown as { [WRAPPED]?: true })[WRAPPED]) continue;
    const inner = stock.kernelFunc;
    const kernelFunc = ((args: KernelArgs) => {
      const attrs = args.attrs as ConvAttrs;
      if (attrs.pad !== 'same') return inner(args as never);
      const pad = explicitSamePads(args.inputs.x!.shape, args.inputs.filter!.shape, attrs, depthwise);
      return inner({ ...args, attrs: { ...attrs, pad } } as never);
    }) as unknown as tf.KernelFunc & { [WRAPPED]?: true };
    kernelFunc[WRAPPED] = true;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...stock, kernelFunc });
    done.push(name);
  }
  return done;
}

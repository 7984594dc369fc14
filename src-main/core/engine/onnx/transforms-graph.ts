// The analysis and synthesis transforms of layers/transforms.ts as ONNX models, from their weights:
//   analysis:  NHWC -> NCHW, S x (5x5 conv stride 2, GDN between), -> NHWC
//   synthesis: NHWC -> NCHW, S x (3x3 conv to 4C, DepthToSpace DCR, inverse GDN between), -> NHWC
// Height and width are free dimensions; the caller keeps them multiples of 2^S (the padding the
// codec applies), where the explicit pads equal TF's 'same'.
import { conv, depthToSpace2, gdn, GraphBuilder, NCHW_TO_NHWC, NHWC_TO_NCHW, transpose, type Weight } from './graph.js';
import { encodeModel } from './onnx-proto.js';

/** Conv weights by parameter name (`ga.0.w`, `gs.1.b`, ...) and the EFFECTIVE GDN beta and gamma (`ga.gdn0.beta`, ...). */
export type TransformWeights = (name: string) => Weight;

export const ANALYSIS_INPUT = 'x';
export const ANALYSIS_OUTPUT = 'y';
export const SYNTHESIS_INPUT = 'y_hat';
export const SYNTHESIS_OUTPUT = 'x_hat';

const PRODUCER = 'latent-studio';

function encode(g: GraphBuilder): Uint8Array {
  return encodeModel({ graph: g.build(), producer: PRODUCER, docString: 'written by src-main/core/engine/onnx from a ParamStore' });
}

export function analysisModel(weights: TransformWeights, stages: number): Uint8Array {
  const first = weights('ga.0.w');
  const last = weights(`ga.${stages - 1}.w`);
  const g = new GraphBuilder('analysis');
  let h = transpose(g, g.input(ANALYSIS_INPUT, [1, 'height', 'width', first.shape[2]!]), NHWC_TO_NCHW);
  for (let i = 0; i < stages; i++) {
    h = conv(g, h, weights(`ga.${i}.w`), weights(`ga.${i}.b`), 2);
    if (i < stages - 1) h = gdn(g, h, weights(`ga.gdn${i}.beta`).data, weights(`ga.gdn${i}.gamma`).data, false);
  }
  g.output(transpose(g, h, NCHW_TO_NHWC), ANALYSIS_OUTPUT, [1, 'latent_height', 'latent_width', last.shape[3]!]);
  return encode(g);
}

export function synthesisModel(weights: TransformWeights, stages: number): Uint8Array {
  const first = weights('gs.0.w');
  const last = weights(`gs.${stages - 1}.w`);
  const g = new GraphBuilder('synthesis');
  let h = transpose(g, g.input(SYNTHESIS_INPUT, [1, 'latent_height', 'latent_width', first.shape[2]!]), NHWC_TO_NCHW);
  for (let i = 0; i < stages; i++) {
    h = depthToSpace2(g, conv(g, h, weights(`gs.${i}.w`), weights(`gs.${i}.b`), 1));
    if (i < stages - 1) h = gdn(g, h, weights(`gs.igdn${i}.beta`).data, weights(`gs.igdn${i}.gamma`).data, true);
  }
  g.output(transpose(g, h, NCHW_TO_NHWC), SYNTHESIS_OUTPUT, [1, 'height', 'width', last.shape[3]! / 4]);
  return encode(g);
}

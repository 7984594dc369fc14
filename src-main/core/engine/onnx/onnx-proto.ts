// The ONNX messages the studio writes (ModelProto, GraphProto, NodeProto, TensorProto,
// ValueInfoProto, AttributeProto), as plain objects encoded with protobuf.ts. Field numbers are
// those of onnx/onnx.proto3; only the fields a float32 inference graph needs are written.
import { ProtoWriter } from './protobuf.js';

/** TensorProto.DataType FLOAT: the only element type the transforms use. */
export const FLOAT = 1;

/** AttributeProto.AttributeType values used here. */
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

/** ONNX IR version 8 (ONNX 1.10+) with the default-domain operator set below. */
export const IR_VERSION = 8;
export const OPSET = 17;

/** Attribute values: a number is an INT, an array of numbers INTS, a string STRING (no float attributes are needed). */
export type AttrValue = number | readonly number[] | string;

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attrs?: Readonly<Record<string, AttrValue>>;
}

/** A weight: float32 values, written as raw little-endian bytes. */
export interface TensorSpec {
  name: string;
  dims: readonly number[];
  float32: Float32Array;
}

/** A graph input or output: float32, each dimension fixed (a number) or free (a symbolic name). */
export interface ValueSpec {
  name: string;
  shape: ReadonlyArray<number | string>;
}

export interface GraphSpec {
  name: string;
  nodes: readonly NodeSpec[];
  initializers: readonly TensorSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

export interface ModelSpec {
  graph: GraphSpec;
  producer: string;
  producerVersion?: string;
  docString?: string;
}

function writeAttribute(w: ProtoWriter, name: string, v: AttrValue): void {
  w.string(1, name);
  if (typeof v === 'string') w.bytes(4, new TextEncoder().encode(v)).varint(20, ATTR_STRING);
  else if (typeof v === 'number') w.varint(3, v).varint(20, ATTR_INT);
  else w.packedVarints(8, v).varint(20, ATTR_INTS);
}

function writeNode(w: ProtoWriter, n: NodeSpec): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, (a) => writeAttribute(a, k, v));
}

function writeTensor(w: ProtoWriter, t: TensorSpec): void {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.float32.length !== count) throw new RangeError(`onnx: tensor ${t.name} has ${t.float32.length} values for dims [${t.dims.join(', ')}]`);
  w.packedVarints(1, t.dims).varint(2, FLOAT).string(8, t.name);
  // raw_data is little-endian; so is every platform onnxruntime-node ships for.
  w.bytes(9, new Uint8Array(t.float32.buffer, t.float32.byteOffset, t.float32.byteLength));
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name);
  // TypeProto.tensor_type { elem_type, shape { dim { dim_value | dim_param } } }
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: GraphSpec): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  for (const i of g.inputs) w.message(11, (m) => writeValueInfo(m, i));
  for (const o of g.outputs) w.message(12, (m) => writeValueInfo(m, o));
}

/** The serialized ModelProto, ready for InferenceSession.create(bytes). */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, IR_VERSION);
  w.string(2, spec.producer);
  if (spec.producerVersion) w.string(3, spec.producerVersion);
  if (spec.docString) w.string(6, spec.docString);
  w.message(7, (g) => writeGraph(g, spec.graph));
  // OperatorSetIdProto { domain: '' (the default ONNX domain, omitted), version }
  w.message(8, (o) => o.varint(2, OPSET));
  return w.finish();
}

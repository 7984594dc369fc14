// Copies a trained model folder into resources/models/<id>/ as a built-in base model
// (docs/base-models.md). Run:
//   node bin/run-ts.js scripts/ship-base.ts MODEL_DIR --id base-photo --name "Base · photos" --corpus TEXT
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chooseBackend } from '../src-main/core/engine/backend.js';
import { writeBaseModel } from '../src-main/core/engine/base-export.js';

const { values, positionals } = parseArgs({
  options: { id: { type: 'string' }, name: { type: 'string' }, corpus: { type: 'string' } },
  allowPositionals: true,
});
const [src] = positionals;
if (!src || !values.id || !values.name || !/^base-[a-z0-9-]+$/.test(values.id)) {
  console.error('usage: node bin/run-ts.js scripts/ship-base.ts MODEL_DIR --id base-xxx --name NAME [--corpus TEXT]');
  process.exit(1);
}
await chooseBackend();
const out = path.resolve(import.meta.dirname, '../resources/models', values.id);
const r = await writeBaseModel(src, out, { id: values.id, name: values.name, corpus: values.corpus ?? '' });
console.log(`${out}: ${values.name}, ${r.bytes} bytes of weights and tables, weights ${r.weightsHash.slice(0, 16)}`);

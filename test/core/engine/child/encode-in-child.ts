// Run in a fresh process by model-io.test.ts: loads a saved model and prints its code and
// reconstruction of one image as JSON.
import { loadModel } from '../../../../src-main/core/engine/model-io.js';
import { readImage } from '../../../../src-main/core/imaging/index.js';

const [dir, file] = process.argv.slice(2);
const model = await loadModel(dir!);
const img = await readImage(file!, { channels: 1 });
const code = await model.encode(img);
const back = await model.decode(code, img.width, img.height);
process.stdout.write(JSON.stringify({ code: Array.from(code.data), pixels: Array.from(back.data), hash: model.weightsHash }));

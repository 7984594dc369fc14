// Run in a fresh process by backend.test.ts: prints the chosen backend as JSON.
import { chooseBackend } from '../../../../src-main/core/engine/backend.js';

process.stdout.write(JSON.stringify(await chooseBackend()));

// The entry of every worker thread: the plumbing (workers/serve.ts) with the registry's tasks.
import { FROM_SOURCES } from '../workers/host.js';
import { serveTasks } from '../workers/serve.js';
import { taskLoader } from './task-registry.js';

serveTasks(taskLoader, { fromSources: FROM_SOURCES });

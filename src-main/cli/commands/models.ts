// `models [list | show ID | export ID FILE | import FILE | delete ID [--force] [--dry-run]]`.
import type { ModelDependents, ModelSummary } from '../../core/contract/catalog.js';
import { verdictLine } from '../../core/metrics/verdict.js';
import { UsageError, type CliCommand } from '../command.js';
import { formatBytes, table } from './catalog-format.js';

function listText(models: ModelSummary[]): string {
  const none = models.every((m) => m.builtin) ? 'no models of your own yet (train one with: latent-studio train --dataset NAME)' : '';
  if (models.length === 0) return none;
  const rows = table(
    ['id', 'name', 'arch', 'dataset', 'size', 'latent files', 'created', 'verdict'],
    models.map((m) => [
      m.id,
      m.builtin ? `${m.name} (built-in base, read-only)` : m.name,
      m.arch,
      m.dataset ?? '-',
      formatBytes(m.bytes),
      String(m.latentFiles),
      m.createdAt.slice(0, 10),
      m.verdict?.summary ?? 'not measured (latent-studio eval)',
    ]),
  );
  return none ? `${none}\n${rows}` : rows;
}

function dependentsText(d: ModelDependents): string {
  const examples = d.latentExamples.length ? ` (e.g. ${d.latentExamples.join(', ')})` : '';
  return [
    `  ${d.latentFiles} latent file(s) need it to decompress${examples}`,
    `  ${d.evaluations} evaluation(s), ${d.trainingRuns} training run(s)`,
  ].join('\n');
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`models: ${what}`);
  return value;
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'list models (also: show ID, export ID FILE, import FILE, delete ID)',
  usage: 'models [list | show ID | export ID FILE.lsmodel [--overwrite] | import FILE.lsmodel | delete ID [--force] [--dry-run]]',
  options: { force: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, overwrite: { type: 'boolean' } },
  positionals: true,
  async run({ values, positionals }, env) {
    const [action = 'list', a, b, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`models ${action}: unexpected argument '${extra[0]}'`);
    const studio = env.studio();
    switch (action) {
      case 'list': {
        const r = await studio.call('listModels', {});
        return { json: r, text: listText(r.models) };
      }
      case 'show': {
        const r = await studio.call('getModel', { id: need(a, 'show needs a model id') });
        const last = r.runs.at(-1);
        const text = [
          `${r.id}  ${r.name} (${r.arch}, dataset ${r.dataset ?? '-'})`,
          `  folder ${r.dir}: ${r.files.length} file(s), ${formatBytes(r.bytes)}; weights ${r.weightsHash.slice(0, 16)}`,
          `  training runs: ${r.runs.length}${last ? `, last ${last.state} after ${last.epochs.length} epoch(s)` : ''}`,
          `  evaluations: ${r.evaluations.map((e) => e.codec).join(', ') || 'none'}; latent files: ${r.latentFiles}`,
          r.verdict
            ? `  verdict on ${r.verdict.images} ${r.verdict.split ?? ''} images of ${r.verdict.dataset ?? 'the given files'} (evaluation ${r.verdict.evaluationId}): ${verdictLine(r.verdict)}`
            : '  verdict: not measured yet (latent-studio eval --model ID --dataset NAME)',
        ].join('\n');
        return { json: r, text };
      }
      case 'export': {
        const r = await studio.call('exportModel', {
          id: need(a, 'export needs a model id and a file'),
          path: need(b, 'export needs a model id and a file'),
          overwrite: Boolean(values.overwrite),
        });
        return { json: r, text: `${r.path}: model ${r.model}, ${r.files} file(s), ${formatBytes(r.bytes)}` };
      }
      case 'import': {
        const r = await studio.call('importModel', { path: need(a, 'import needs a .lsmodel file') });
        return {
          json: r,
          text: r.alreadyPresent ? `model ${r.model.id} is already here (same weights)` : `imported model ${r.model.id} (${r.model.name})`,
        };
      }
      case 'delete': {
        const dryRun = Boolean(values['dry-run']);
        const r = await studio.call('deleteModel', { id: need(a, 'delete needs a model id'), dryRun, force: Boolean(values.force) });
        const head = r.deleted ? `deleted model ${r.model}:` : `model ${r.model} (dry run, nothing deleted):`;
        return { json: r, text: `${head}\n${dependentsText(r.dependents)}` };
      }
      default:
        throw new UsageError(`models: unknown action '${action}' (list, show, export, import, delete)`);
    }
  },
};

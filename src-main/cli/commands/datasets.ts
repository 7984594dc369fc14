// `datasets [list | show NAME | delete NAME [--dry-run]]`: the catalog's datasets.
import type { DatasetDependents, DatasetSummary } from '../../core/contract/catalog.js';
import { UsageError, type CliCommand } from '../command.js';
import { formatBytes, table } from './catalog-format.js';

function listText(datasets: DatasetSummary[]): string {
  if (datasets.length === 0) return 'no datasets yet (add one with: latent-studio import <folder> --dataset NAME)';
  return table(
    ['name', 'images', 'train/val/test', 'size', 'models', 'created'],
    datasets.map((d) => [
      d.name,
      String(d.images),
      `${d.splits.train}/${d.splits.val}/${d.splits.test}`,
      formatBytes(d.bytes),
      String(d.models),
      d.createdAt.slice(0, 10),
    ]),
  );
}

function dependentsText(d: DatasetDependents): string {
  return [
    `  ${d.images} image record(s) and ${d.thumbnails} cached thumbnail(s) would be removed (the original files stay untouched)`,
    `  ${d.models.length} model(s) trained on it keep working: ${d.models.map((m) => m.id).join(', ') || 'none'}`,
    `  ${d.trainingRuns} training run(s), ${d.evaluations} evaluation(s) and ${d.latentFiles} latent file record(s) lose their link to it`,
    ...(d.runningImports > 0 ? [`  ${d.runningImports} import(s) into it are running`] : []),
  ].join('\n');
}

export const datasetsCommand: CliCommand = {
  name: 'datasets',
  summary: 'list datasets (also: show NAME, delete NAME [--dry-run])',
  usage: 'datasets [list | show NAME | delete NAME [--dry-run]]',
  options: { 'dry-run': { type: 'boolean' } },
  positionals: true,
  async run({ values, positionals }, env) {
    const [action = 'list', name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`datasets ${action}: unexpected argument '${extra[0]}'`);
    const studio = env.studio();
    switch (action) {
      case 'list': {
        if (name !== undefined) throw new UsageError(`datasets list takes no argument, got '${name}'`);
        const r = await studio.call('listDatasets', {});
        return { json: r, text: listText(r.datasets) };
      }
      case 'show': {
        if (!name) throw new UsageError('datasets show needs a dataset name');
        const r = await studio.call('getDataset', { dataset: name });
        const d = r.dataset;
        const text = [
          `${d.name}${d.description ? ` (${d.description})` : ''}`,
          `  ${d.images} images, ${formatBytes(d.bytes)}; split train ${d.splits.train}, val ${d.splits.val}, test ${d.splits.test}`,
          `  models: ${r.models.map((m) => m.id).join(', ') || 'none'}`,
          `  imports: ${r.imports.map((j) => `job ${j.id} ${j.state} (${j.done}/${j.total ?? '?'}, ${j.failedItems} failed)`).join('; ') || 'none'}`,
        ].join('\n');
        return { json: r, text };
      }
      case 'delete': {
        if (!name) throw new UsageError('datasets delete needs a dataset name');
        const dryRun = Boolean(values['dry-run']);
        const r = await studio.call('deleteDataset', { dataset: name, dryRun });
        const head = r.deleted ? `deleted dataset ${r.dataset}:` : `dataset ${r.dataset} (dry run, nothing deleted):`;
        return { json: r, text: `${head}\n${dependentsText(r.dependents)}` };
      }
      default:
        throw new UsageError(`datasets: unknown action '${action}' (list, show, delete)`);
    }
  },
};

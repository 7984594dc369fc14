// The core's layers (docs/architecture.md, "Layers"), checked by `npm run check:layers`.
//
// A module of src-main/core may import modules of its own folder and of the layers BELOW its own,
// never of a higher layer nor of another folder of the same layer. Strict ranks also mean that no
// two core folders import each other: a folder cycle needs an import from a lower layer to a
// higher one, or between two folders of one layer.
//
// Type-only imports (`import type`, erased when TypeScript compiles) may go up to the composition
// root's declarations alone: api.ts (the composed contract) and context.ts (CoreContext, the
// handlers' parameter). Every handler is typed by what the root hands it; the root declares that
// shape once instead of a copy in each domain. Any other type-only import obeys the layers.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, as dependency-cruiser loads its config */
const fs = require('node:fs');
const path = require('node:path');

/** Bottom to top; the folders of one row are one layer and may not import each other. */
const LAYERS = [
  ['system', 'entropy'], // leaf utilities: process identity, temporary and output names, home, resources, units; entropy coding
  ['contract'], // browser-safe zod + types, the errors every layer throws
  ['input', 'workers'], // reading a user's files; worker-thread plumbing (imports no domain)
  ['imaging'], // decode, pixels, encode, atomic writes, PSNR
  ['settings'], // settings.json and what is read from it (pixel limit, queue, training host)
  ['catalog'], // the SQLite catalog: datasets, images, models, job rows
  ['jobs'], // the generic job runner (claim, worker, progress, pause, cancel, resume): domains declare kinds with it
  ['engine', 'imports'], // tfjs models, training, inference; the import job (files into the catalog)
  ['codec'], // .latent containers, compress/decompress: bytes and pixels alone
  ['codec-files'], // coding's files: .latent files read, an image file prepared, the calibration cache
  ['metrics'], // SSIM, sweeps, BD-rate, evaluations
  ['batch'], // file jobs: folders, plans, pool, resume
  ['queue', 'remote', 'ui'], // batches on a Redis queue; training on another studio; studio-only helpers
  ['registry'], // the kind and task registries, worker entry: import every domain, imported by none
];
// Above every layer, the composition root: core/*.ts (api, studio, handlers and the handler sets that
// join domains, context, version, csp). Nothing in a folder imports it but for the types above.

const CORE = 'src-main/core';
const folderPath = (f) => `^${CORE}/${f}/`;
const rootPath = `^${CORE}/[^/]+\\.ts$`;
const rootTypes = `^${CORE}/(api|context)\\.ts$`;

// A folder with no layer would escape every rule: refuse to run until it is placed.
const placed = new Set(LAYERS.flat());
const unplaced = fs
  .readdirSync(path.join(__dirname, CORE), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !placed.has(d.name))
  .map((d) => d.name);
if (unplaced.length > 0) throw new Error(`.dependency-cruiser.cjs: ${CORE}/${unplaced.join(', ')} has no layer: add it to LAYERS`);

const layerRules = LAYERS.flatMap((row, rank) =>
  row.map((folder) => {
    const above = [...LAYERS.slice(rank + 1).flat(), ...row.filter((f) => f !== folder)];
    const to = [...above.map(folderPath), rootPath];
    return [
      {
        name: `layer-${folder}`,
        comment: `${folder}/ may import only lower layers: not ${above.join(', ')} nor the composition root`,
        severity: 'error',
        from: { path: folderPath(folder) },
        to: { path: to, dependencyTypesNot: ['type-only'] },
      },
      {
        name: `layer-${folder}-types`,
        comment: `${folder}/: a type-only import may go up to core/api.ts and core/context.ts alone`,
        severity: 'error',
        from: { path: folderPath(folder) },
        to: { path: to, pathNot: rootTypes, dependencyTypes: ['type-only'] },
      },
    ];
  }),
).flat();

// codec/ is pure coding (docs/architecture.md): image pixels and a model in, bytes out, and back.
// It keeps no records, reads no settings, starts no threads or jobs (file jobs are batch/'s), and
// takes the engine as types alone: the loaded model is handed to it (engine/open-model.ts). It
// touches no files either: reading .latent and image files and the calibration cache are codec-files/.
const codecPurity = [
  {
    name: 'codec-pure',
    comment: 'codec/ imports no catalog, settings, jobs, workers or import job: file jobs and records are batch/ and above',
    severity: 'error',
    from: { path: folderPath('codec') },
    to: { path: ['catalog', 'settings', 'jobs', 'workers', 'imports'].map(folderPath) },
  },
  {
    name: 'codec-no-files',
    comment:
      "codec/ touches no files: no node:fs, input/ or imaging's file reading and writing (read.ts, write.ts, the index that re-exports them); types alone may come from them. Files are codec-files/'s",
    severity: 'error',
    from: { path: folderPath('codec') },
    to: {
      path: ['^(node:)?fs(/promises)?$', folderPath('input'), `^${CORE}/imaging/(read|write|index)\\.ts$`],
      dependencyTypesNot: ['type-only'],
    },
  },
  {
    name: 'codec-engine-types-only',
    comment: 'codec/ takes the engine as types alone (CodeGrid, TileProgress): the model is handed to it',
    severity: 'error',
    from: { path: folderPath('codec') },
    to: { path: folderPath('engine'), dependencyTypesNot: ['type-only'] },
  },
];

module.exports = {
  forbidden: [
    ...layerRules,
    ...codecPurity,
    {
      name: 'core-not-front-doors',
      comment: 'the core is plain Node under the shell, the server and the CLI: it never imports them (nor the renderer)',
      severity: 'error',
      from: { path: `^${CORE}/` },
      to: { path: '^(src-main/(shell|server|cli|preload)|src-renderer)/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'a relative import the cruiser cannot resolve would hide its edge from every rule (packages may be optional)',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { couldNotResolve: true, path: '^[.][.]?/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.node.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

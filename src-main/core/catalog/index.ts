// The catalog's public face for the rest of the core: open it, or get the studio's shared one.
import type { CoreContext } from '../context.js';
import { findResourceDir } from '../system/resources.js';
import { BASE_MODELS_REL, syncBaseModels } from './base-models.js';
import { openCatalog, type Catalog } from './catalog.js';

export { Catalog, openCatalog } from './catalog.js';
export type { OpenOptions } from './catalog.js';
export { LATEST_VERSION, MIGRATIONS, migrate } from './migrations/index.js';
export type * from './types.js';

/** The studio's catalog connection, opened on first use (registering the shipped base models) and closed with the studio. */
export function getCatalog(ctx: CoreContext): Catalog {
  return ctx.resource(
    'catalog',
    () => {
      const catalog = openCatalog(ctx.home.catalogFile);
      syncBaseModels(catalog, findResourceDir(BASE_MODELS_REL));
      return catalog;
    },
    (c) => c.close(),
  );
}

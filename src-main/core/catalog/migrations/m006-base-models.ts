// Migration 6: built-in base models. The studio ships general pretrained models in
// resources/models/; they are registered read-only (builtin = 1): never deleted or renamed from the
// catalog, and their folder is the shipped one, outside the home.
export default {
  version: 6,
  name: 'built-in base models',
  sql: `ALTER TABLE models ADD COLUMN builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1));`,
};

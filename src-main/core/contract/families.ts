// The model families' names, in the order the CLI and the train form list them. Browser-safe. The
// contract names them so that it needs nothing from the engine; each family's declaration is
// engine/models/<name>/meta.ts, joined to this list in engine/models/families.ts, where the
// compiler refuses a name without a declaration or a declaration without a name here.
export const FAMILY_NAMES = ['factorized', 'hyperprior', 'dense-prior', 'dense', 'conv'] as const;

export type FamilyName = (typeof FAMILY_NAMES)[number];

// zod pieces the learned families' hyperparameter schemas share.
import { z } from 'zod';

export const Lambdas = z.array(z.number().positive().max(10)).min(1).max(8);
export const ConvWidth = z.number().int().min(4).max(512);

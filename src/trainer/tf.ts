/** The tfjs API type every trainer module receives (tfjs-core's namespace; tfjs-node's full `tf` is a superset). */
import type * as tfjs from '@tensorflow/tfjs-core';

export type Tf = typeof tfjs;

/** Types of the experiment-schema validator that esbuild generates at build time (scripts/experimentValidator.mjs). */
declare module 'virtual:experiment-validator' {
  import type { ValidateFunction } from 'ajv';

  export const validate: ValidateFunction;
}

// pg's internal value mapper (pg/lib/utils.js), the one pg's own Query binds parameters with;
// @types/pg does not declare the module. Used by pg-implicit-tx.ts.
declare module 'pg/lib/utils.js' {
  const utils: {
    /** A JavaScript value as the text (or Buffer) pg sends for a parameter; null for null/undefined. */
    prepareValue(value: unknown): string | Buffer | null;
  };
  export default utils;
}

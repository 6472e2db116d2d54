// postgres-date 1.x (the timestamp parser pg-types uses) ships no types; this is its one export.
declare module 'postgres-date' {
  /** A Date, ±Infinity for 'infinity' / '-infinity', or null for text it cannot read. */
  export default function parseDate(text: string): Date | number | null;
}

/** Language of texts when a request names none, or names one the data does not have. */
export const DEFAULT_LANG = 'en_US';

const LANG_KEY = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The texts of one language from a language-keyed map (`{"en_US": {title}}` → `{title}`),
 * falling back to en_US and then to the first language, so a client asking for a language the
 * project has no texts for still gets a title. A map that is not keyed by language (`{title}`)
 * is returned as is.
 */
export function localize(infos: Record<string, unknown> | null | undefined, langCode: string): Record<string, unknown> {
  if (!infos) return {};
  const keys = Object.keys(infos);
  const keyed = keys.length > 0 && keys.every((k) => LANG_KEY.test(k) && isPlainObject(infos[k]));
  if (!keyed) return infos;
  const pick = infos[langCode] ?? infos[DEFAULT_LANG] ?? infos[keys[0]!];
  return pick as Record<string, unknown>;
}

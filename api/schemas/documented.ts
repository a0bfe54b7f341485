import type { TSchema } from 'typebox';

/** The key under which a schema carries rules that its route's handler checks (see `checkedInCode`). */
export const CHECKED_IN_CODE = 'x-checked-in-code';

/**
 * A schema with rules its handler checks itself, so that the refusal can say exactly what to fix (e.g. `weak_password`
 * with its problems). The validator leaves them alone; the OpenAPI document states them as ordinary keywords of the
 * schema, so clients see every rule the API enforces.
 */
export function checkedInCode<T extends TSchema>(schema: T, rules: Record<string, unknown>): T {
  return { ...schema, [CHECKED_IN_CODE]: rules };
}

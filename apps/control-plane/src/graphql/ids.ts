import { errors } from './errors.ts';

/** GraphQL IDs are strings; database ids are positive integers. BAD_USER_INPUT names the argument. */
export function parseId(id: string | number, field = 'id'): number {
  const n = typeof id === 'number' ? id : /^\d{1,15}$/.test(id) ? Number(id) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw errors.badInput(field, 'must be a positive integer id');
  return n;
}

import { graphql, type ResultOf } from '../graphql.ts';

/** The user fields any signed-in user may read about themselves (never priceRate). */
export const USER_FIELDS = graphql(`
  fragment UserFields on User {
    id
    username
    role
    status
    createdAt
  }
`);

/** A user as any signed-in user may see it. */
export type User = ResultOf<typeof USER_FIELDS>;

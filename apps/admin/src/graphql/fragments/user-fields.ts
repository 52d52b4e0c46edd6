import { gql } from 'urql';

/** The user fields any signed-in user may read about themselves (never priceRate). */
export const USER_FIELDS = gql`
  fragment UserFields on User {
    id
    username
    role
    status
    createdAt
  }
`;

import { gql } from 'urql';
import { USER_FIELDS } from '../fragments/user-fields.ts';

/** The signed-in user. Selects no priceRate: a USER asking for it gets FORBIDDEN. */
export const ME_QUERY = gql`
  query Me {
    me {
      ...UserFields
    }
  }
  ${USER_FIELDS}
`;

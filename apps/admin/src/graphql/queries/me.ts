import { graphql } from '../graphql.ts';
import { USER_FIELDS } from '../fragments/user-fields.ts';

/** The signed-in user. Selects no priceRate: a USER asking for it gets FORBIDDEN. */
export const ME_QUERY = graphql(`
  query Me {
    me {
      ...UserFields
    }
  }
`, [USER_FIELDS]);

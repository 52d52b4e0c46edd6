import { graphql } from '../graphql.ts';

export const LOGOUT_MUTATION = graphql(`
  mutation Logout {
    logout
  }
`);

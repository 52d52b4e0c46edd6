import { gql } from 'urql';

export const LOGOUT_MUTATION = gql`
  mutation Logout {
    logout
  }
`;

import { gql } from 'urql';
import { USER_FIELDS } from '../fragments/user-fields.ts';

export const CREATE_USER_MUTATION = gql`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      ...UserFields
      priceRate
    }
  }
  ${USER_FIELDS}
`;

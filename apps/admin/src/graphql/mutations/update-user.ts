import { gql } from 'urql';
import { USER_FIELDS } from '../fragments/user-fields.ts';

export const UPDATE_USER_MUTATION = gql`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      ...UserFields
      priceRate
    }
  }
  ${USER_FIELDS}
`;

import { gql } from 'urql';

export const CHANGE_PASSWORD_MUTATION = gql`
  mutation ChangePassword($oldPassword: String!, $newPassword: String!, $keepAccessTokens: Boolean! = false) {
    changePassword(oldPassword: $oldPassword, newPassword: $newPassword, keepAccessTokens: $keepAccessTokens)
  }
`;

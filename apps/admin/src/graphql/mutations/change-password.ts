import { graphql } from '../graphql.ts';

export const CHANGE_PASSWORD_MUTATION = graphql(`
  mutation ChangePassword($oldPassword: String!, $newPassword: String!, $keepAccessTokens: Boolean! = false) {
    changePassword(oldPassword: $oldPassword, newPassword: $newPassword, keepAccessTokens: $keepAccessTokens)
  }
`);

import { gql } from 'urql';

/** Returns how many users changed. */
export const SET_USER_PRICE_RATES_MUTATION = gql`
  mutation SetUserPriceRates($userIds: [ID!]!, $priceRate: Rate!) {
    setUserPriceRates(userIds: $userIds, priceRate: $priceRate)
  }
`;

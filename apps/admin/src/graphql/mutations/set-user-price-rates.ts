import { graphql } from '../graphql.ts';

/** Returns how many users changed. */
export const SET_USER_PRICE_RATES_MUTATION = graphql(`
  mutation SetUserPriceRates($userIds: [ID!]!, $priceRate: Rate!) {
    setUserPriceRates(userIds: $userIds, priceRate: $priceRate)
  }
`);

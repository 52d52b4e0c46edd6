import { graphql } from '../graphql.ts';

/** Returns how many users changed. */
export const SET_ALL_USER_PRICE_RATES_MUTATION = graphql(`
  mutation SetAllUserPriceRates($priceRate: Rate!) {
    setAllUserPriceRates(priceRate: $priceRate)
  }
`);

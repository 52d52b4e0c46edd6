import { gql } from 'urql';

/** Returns how many users changed. */
export const SET_ALL_USER_PRICE_RATES_MUTATION = gql`
  mutation SetAllUserPriceRates($priceRate: Rate!) {
    setAllUserPriceRates(priceRate: $priceRate)
  }
`;

import { graphql } from '../graphql.ts';

export const CLEAR_DEFAULT_MODEL_PRICE_MUTATION = graphql(`
  mutation ClearDefaultModelPrice {
    clearDefaultModelPrice
  }
`);

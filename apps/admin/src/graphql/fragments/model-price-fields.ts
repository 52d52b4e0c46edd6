import { gql } from 'urql';

/** A model price (USD per million tokens). */
export const MODEL_PRICE_FIELDS = gql`
  fragment ModelPriceFields on ModelPrice {
    id
    model
    platform
    input
    output
    cacheWrite
    cacheRead
  }
`;

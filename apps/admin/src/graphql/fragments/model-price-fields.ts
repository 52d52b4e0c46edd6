import { graphql, type ResultOf } from '../graphql.ts';

/** A model price (USD per million tokens). */
export const MODEL_PRICE_FIELDS = graphql(`
  fragment ModelPriceFields on ModelPrice {
    id
    model
    platform
    input
    output
    cacheWrite
    cacheRead
    source
    tier {
      aboveInputTokens
      input
      output
    }
  }
`);

/** A model price row. */
export type ModelPrice = ResultOf<typeof MODEL_PRICE_FIELDS>;

import { graphql } from '../graphql.ts';
import { MODEL_PRICE_FIELDS } from '../fragments/model-price-fields.ts';

export const UPSERT_MODEL_PRICE_MUTATION = graphql(`
  mutation UpsertModelPrice($input: ModelPriceInput!) {
    upsertModelPrice(input: $input) {
      ...ModelPriceFields
    }
  }
`, [MODEL_PRICE_FIELDS]);

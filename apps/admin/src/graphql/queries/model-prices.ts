import { graphql } from '../graphql.ts';
import { MODEL_PRICE_FIELDS } from '../fragments/model-price-fields.ts';

export const MODEL_PRICES_QUERY = graphql(`
  query ModelPrices {
    modelPrices {
      ...ModelPriceFields
    }
  }
`, [MODEL_PRICE_FIELDS]);

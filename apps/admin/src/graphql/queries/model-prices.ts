import { gql } from 'urql';
import { MODEL_PRICE_FIELDS } from '../fragments/model-price-fields.ts';

export const MODEL_PRICES_QUERY = gql`
  query ModelPrices {
    modelPrices {
      ...ModelPriceFields
    }
  }
  ${MODEL_PRICE_FIELDS}
`;

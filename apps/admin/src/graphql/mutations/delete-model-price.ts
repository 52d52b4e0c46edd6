import { graphql } from '../graphql.ts';

export const DELETE_MODEL_PRICE_MUTATION = graphql(`
  mutation DeleteModelPrice($id: ID!) {
    deleteModelPrice(id: $id)
  }
`);

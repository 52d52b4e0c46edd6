import { gql } from 'urql';

export const DELETE_MODEL_PRICE_MUTATION = gql`
  mutation DeleteModelPrice($id: ID!) {
    deleteModelPrice(id: $id)
  }
`;

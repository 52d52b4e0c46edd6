import { gql } from 'urql';

export const DELETE_ALERT_CHANNEL_MUTATION = gql`
  mutation DeleteAlertChannel($id: ID!) {
    deleteAlertChannel(id: $id)
  }
`;

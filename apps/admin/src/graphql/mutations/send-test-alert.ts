import { gql } from 'urql';
import { ALERT_DELIVERY_FIELDS } from '../fragments/alert-delivery-fields.ts';

export const SEND_TEST_ALERT_MUTATION = gql`
  mutation SendTestAlert($id: ID!) {
    sendTestAlert(id: $id) {
      ...AlertDeliveryFields
    }
  }
  ${ALERT_DELIVERY_FIELDS}
`;

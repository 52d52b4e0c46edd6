import { graphql } from '../graphql.ts';
import { ALERT_DELIVERY_FIELDS } from '../fragments/alert-delivery-fields.ts';

export const SEND_TEST_ALERT_MUTATION = graphql(`
  mutation SendTestAlert($id: ID!) {
    sendTestAlert(id: $id) {
      ...AlertDeliveryFields
    }
  }
`, [ALERT_DELIVERY_FIELDS]);

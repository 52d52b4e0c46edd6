// Settings: change password and personal access tokens.
import { BasePage } from './base-page.ts';

export class SettingsPage extends BasePage {
  readonly path = '/settings';
  readonly id = 'settings';
}

// webhooks: suppression.changelog.v1 -> signed webhooks (and the provider sync when configured).
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runWebhooks } from './run';

exitOnFailure('webhooks', runWebhooks(loadConfig()));

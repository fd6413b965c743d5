// Composition root of the abuse-inbox: its configuration, run on the service kit (run.ts).
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runAbuseInbox } from './run';

exitOnFailure('abuse-inbox', runAbuseInbox(loadConfig()));

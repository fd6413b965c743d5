// optout-consumer: consent.email-optout.v1 -> the list.
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runOptoutConsumer } from './run';

exitOnFailure('optout-consumer', runOptoutConsumer(loadConfig()));

export { complaintHandler } from './handler';
export { runComplaintConsumer } from './run';
export { startSeedHitConsumer } from './seed-hits';
export { COMPLAINT_TOPICS, complaintSalvage, startComplaintConsumer } from './service';

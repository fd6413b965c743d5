export { complaintHandler } from './handler';
export { runComplaintConsumer } from './run';
export { COMPLAINT_TOPICS, complaintSalvage, startComplaintConsumer } from './service';

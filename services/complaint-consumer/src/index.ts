export { complaintHandler } from './handler';
export { COMPLAINT_TOPICS, complaintSalvage, startComplaintConsumer } from './service';

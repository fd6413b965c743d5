export { complaintHandler } from './handler';
export { startComplaintConsumer } from './service';

CREATE TABLE "abuse_quarantine" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reason" text NOT NULL,
	"message_id" text,
	"raw_encrypted" text NOT NULL,
	"key_id" text NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delivery_log" (
	"message_id" text PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"template_id" text,
	"category" text,
	"subject_key" text,
	"status" text NOT NULL,
	"reasons" jsonb,
	"provider_message_id" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "delivery_log_status" CHECK ("delivery_log"."status" in ('claimed', 'sent', 'suppressed', 'deferred', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "dns_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"asked" text[] NOT NULL,
	"method" text NOT NULL,
	"gpc" boolean NOT NULL,
	"combined_form" boolean NOT NULL,
	"agent" jsonb,
	"subject_keys" text[] NOT NULL,
	"responded_at" timestamp with time zone,
	"response" text NOT NULL,
	"denial_reason" text,
	"retain_until" timestamp with time zone NOT NULL,
	CONSTRAINT "dns_requests_event_id_unique" UNIQUE("event_id"),
	CONSTRAINT "dns_requests_retention_24_months" CHECK ("dns_requests"."retain_until" >= "dns_requests"."requested_at" + interval '24 months'),
	CONSTRAINT "dns_requests_denial_reason" CHECK ("dns_requests"."response" <> 'denied' or "dns_requests"."denial_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "ledger" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"source" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"subject_keys" text[] NOT NULL,
	"key_id" text NOT NULL,
	"scopes" jsonb NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subject_flags" (
	"subject_key" text PRIMARY KEY NOT NULL,
	"minor" boolean DEFAULT false NOT NULL,
	"event_id" uuid,
	"source" text,
	"since" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subject_vault" (
	"subject_key" text PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suppression_state" (
	"subject_key" text NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"topic" text NOT NULL,
	"suppressed" boolean NOT NULL,
	"reason" text NOT NULL,
	"event_id" uuid NOT NULL,
	"source" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"since" timestamp with time zone,
	"ask_again_after" timestamp with time zone,
	"detail" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppression_state_subject_key_channel_purpose_topic_pk" PRIMARY KEY("subject_key","channel","purpose","topic"),
	CONSTRAINT "suppression_state_channel" CHECK ("suppression_state"."channel" in ('email', 'sms', 'any')),
	CONSTRAINT "suppression_state_purpose" CHECK ("suppression_state"."purpose" in ('marketing', 'all', 'sale_share'))
);
--> statement-breakpoint
CREATE INDEX "delivery_log_next_attempt_idx" ON "delivery_log" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE INDEX "dns_requests_requested_idx" ON "dns_requests" USING btree ("requested_at");--> statement-breakpoint
CREATE INDEX "ledger_subject_keys_idx" ON "ledger" USING gin ("subject_keys");--> statement-breakpoint
CREATE INDEX "ledger_occurred_idx" ON "ledger" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("id") WHERE "outbox"."published_at" is null;
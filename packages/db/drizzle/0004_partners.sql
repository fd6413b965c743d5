CREATE TABLE "partner_access" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"partner_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"watermark" text,
	"since" text,
	"rows" integer NOT NULL,
	"received" integer,
	CONSTRAINT "partner_access_kind" CHECK ("partner_access"."kind" in ('file', 'delta', 'scrub'))
);
--> statement-breakpoint
CREATE TABLE "partner_seed_hits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"partner_id" text NOT NULL,
	"seed_address" text NOT NULL,
	"source" text NOT NULL,
	"message_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "partner_seed_hits_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "partner_seeds" (
	"address" text PRIMARY KEY NOT NULL,
	"subject_key" text NOT NULL,
	"partner_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "partners" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"contact" text NOT NULL,
	"token_digest" text NOT NULL,
	"hash_format" text NOT NULL,
	"hmac_key" text,
	"topics" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_download_at" timestamp with time zone,
	"flagged_at" timestamp with time zone,
	CONSTRAINT "partners_token_digest_unique" UNIQUE("token_digest"),
	CONSTRAINT "partners_hash_format" CHECK ("partners"."hash_format" in ('md5', 'sha256', 'hmac-sha256'))
);
--> statement-breakpoint
ALTER TABLE "partner_access" ADD CONSTRAINT "partner_access_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_seed_hits" ADD CONSTRAINT "partner_seed_hits_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_seeds" ADD CONSTRAINT "partner_seeds_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partner_access_partner_idx" ON "partner_access" USING btree ("partner_id","at");--> statement-breakpoint
CREATE INDEX "partner_seeds_subject_key_idx" ON "partner_seeds" USING btree ("subject_key");
-- The topic registry (issue 13): the newsletters and programmes a subscriber can be on or off, with
-- a name and description per language, a default status, the channels, and an archived flag.
-- Every create/update/archive/unarchive is a row of topic_history (who, when, before, after), which
-- the database keeps append-only like the ledger.
CREATE TABLE "topics" (
	"id" text PRIMARY KEY NOT NULL,
	"channels" text[] NOT NULL,
	"default_status" text NOT NULL,
	"archived" boolean DEFAULT false NOT NULL,
	"names" jsonb NOT NULL,
	"descriptions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topics_id_slug" CHECK ("topics"."id" ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
	CONSTRAINT "topics_channels" CHECK (cardinality("topics"."channels") > 0 and "topics"."channels" <@ array['email', 'sms']::text[]),
	CONSTRAINT "topics_default_status" CHECK ("topics"."default_status" in ('opt-in', 'opt-out')),
	CONSTRAINT "topics_names_en" CHECK (jsonb_typeof("topics"."names" -> 'en') = 'string')
);
--> statement-breakpoint
CREATE TABLE "topic_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"topic_id" text NOT NULL,
	"version" integer NOT NULL,
	"action" text NOT NULL,
	"by" text NOT NULL,
	"actor" text,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"before" jsonb,
	"after" jsonb NOT NULL,
	CONSTRAINT "topic_history_action" CHECK ("topic_history"."action" in ('create', 'update', 'archive', 'unarchive'))
);
--> statement-breakpoint
ALTER TABLE "topic_history" ADD CONSTRAINT "topic_history_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "topic_history_topic_version_unique" ON "topic_history" USING btree ("topic_id","version");--> statement-breakpoint
CREATE OR REPLACE FUNCTION topic_history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'topic_history is append-only: % refused', TG_OP USING ERRCODE = 'P0001';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER topic_history_no_update_delete
  BEFORE UPDATE OR DELETE ON "topic_history"
  FOR EACH ROW EXECUTE FUNCTION topic_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER topic_history_no_truncate
  BEFORE TRUNCATE ON "topic_history"
  FOR EACH STATEMENT EXECUTE FUNCTION topic_history_refuse_change();

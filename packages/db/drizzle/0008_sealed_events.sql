CREATE TABLE "data_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_key" text NOT NULL,
	"wrapped" text NOT NULL,
	"master_key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_keys_subject_key_unique" UNIQUE("subject_key")
);

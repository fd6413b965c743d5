CREATE TABLE "bus_group" (
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bus_group_group_id_topic_pk" PRIMARY KEY("group_id","topic")
);
--> statement-breakpoint
CREATE TABLE "bus_message" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"msg_offset" bigint NOT NULL,
	"key" text,
	"headers" text DEFAULT '{}' NOT NULL,
	"value" "bytea",
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bus_message_topic_partition_msg_offset_pk" PRIMARY KEY("topic","partition","msg_offset")
);
--> statement-breakpoint
CREATE TABLE "bus_offset" (
	"group_id" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bus_offset_group_id_topic_partition_pk" PRIMARY KEY("group_id","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "bus_partition" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint DEFAULT 0 NOT NULL,
	"compacted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "bus_partition_topic_partition_pk" PRIMARY KEY("topic","partition")
);
--> statement-breakpoint
CREATE INDEX "bus_message_published_idx" ON "bus_message" USING btree ("published_at");
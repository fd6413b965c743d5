CREATE TABLE "partner_hashes" (
	"partner_id" text NOT NULL,
	"subject_key" text NOT NULL,
	"hash" "bytea" NOT NULL,
	CONSTRAINT "partner_hashes_partner_id_subject_key_pk" PRIMARY KEY("partner_id","subject_key")
);
--> statement-breakpoint
ALTER TABLE "partners" ADD COLUMN "hashed_upto" bigint;--> statement-breakpoint
ALTER TABLE "partner_hashes" ADD CONSTRAINT "partner_hashes_partner_id_partners_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."partners"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "partner_hashes_hash_idx" ON "partner_hashes" USING btree ("partner_id","hash");--> statement-breakpoint
CREATE INDEX "suppression_state_updated_idx" ON "suppression_state" USING btree ("updated_at");
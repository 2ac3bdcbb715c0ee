CREATE TABLE "order" ("group" TEXT, "select" INTEGER, "my col" VARCHAR(10), "Mixed Case" TEXT DEFAULT 'x');
CREATE INDEX "order by group" ON "order" ("group");

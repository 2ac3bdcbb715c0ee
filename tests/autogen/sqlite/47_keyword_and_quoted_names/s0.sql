CREATE TABLE "order" ("group" TEXT, "select" INTEGER, "my col" TEXT);

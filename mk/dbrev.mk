# dbrev.mk - database schema migrations as make targets.
#
#	DATABASE_URL ?= sqlite:app.db
#	DB_DIR       ?= migrations
#	include /usr/local/share/dbrev/mk/dbrev.mk
#
#	run: db-upgrade          # migrate (when something changed), then run
#		./app
#
# or, wherever dbrev is installed:
#	include $(shell pkg-config --variable=mkdir dbrev)/dbrev.mk
#
# This file includes, from its own directory:
#   dbrev-vars.mk     knobs, defaults, the database's state key
#   dbrev-backup.mk   db-backup db-restore
#   dbrev-migrate.mk  db-init db-revision db-migrate db-upgrade db-downgrade
#                     db-current db-history db-heads db-branches db-show
#                     db-stamp db-merge db-check db-lint db-sql db-test
#                     db-status db-drift db-help
#   dbrev-fleet.mk    db-fleet-upgrade db-fleet-current db-fleet-status
#                     db-fleet-check: many databases (DB_FLEET), a make
#                     target each (dbrev-fleet-run.mk is its make)
#
# Knobs (set them before the include; defaults in parentheses):
#   DATABASE_URL    the database (no default; only the targets that
#                   connect need it, and say so when it is unset)
#   DB_DIR          migrations directory (migrations)
#   DB_SCHEMA       desired schema for db-migrate, db-check (schema.sql)
#   DB_BACKUP       back up before upgrade/downgrade: yes or no (yes)
#   DB_BACKUP_DIR   backup directory (backups)
#   DB_BACKUP_KEEP  keep only the N newest backups (all)
#   DB_STATE_DIR    what db-upgrade remembers between runs (.dbrev)
#   DB_TABLE        version table (dbrev_revisions)
#   DB_DEV_URL      scratch server for db-test, db-drift (DATABASE_URL's)
#   DB_FLEET        fleet file for db-fleet-* (databases.list)
#   DB_FLEET_CMD    a command printing the fleet instead (unset)
#   DBREV_BINDIR    where the tools are (the install's bindir)
#   V               V=1 shows the commands
# Per run, on the command line:
#   M=        message: db-revision db-migrate db-merge
#   REV=      revision: db-upgrade (head) db-downgrade (-1) db-stamp
#             db-show (head) db-sql (head) db-revision (the parent)
#             db-test (heads)
#   FROM=     db-sql's and db-test's start (base)
#   SINCE=    db-lint: only the revisions an upgrade from it applies
#   BACKUP=   db-restore's file
#   FORCE=yes db-restore: restore a backup of another database
#   FLEET_STOP=1 FLEET_CANARY=names FLEET_SHARD=K/N   db-fleet-*
#
# Targets:
#   db-init db-revision db-migrate db-upgrade db-downgrade db-current
#   db-history db-heads db-branches db-show db-stamp db-merge db-check db-lint
#   db-sql db-test db-status db-drift db-backup db-restore db-help
#   db-fleet-upgrade db-fleet-current db-fleet-status db-fleet-check
#   (all .PHONY)
#
# db-upgrade is tracked: it does nothing when the database is at head
# (every revision applied, with its file's checksum), which one check
# answers (revapply current --exit-code --state-dir $(DB_STATE_DIR)):
# without reading the revisions while none changed, without opening a
# SQLite file while it is the file last found at head (a copy put back
# by any means is another file), with one read of a server's version
# table.  When revisions are pending, a backup is taken first (unless
# DB_BACKUP=no, or db-backup is a goal too: then that one, run first, is
# the backup).  Knob values reach the tools as single arguments through
# the environment, never re-read by a shell or by make; no file name is
# ever part of a rule.
#
# Including this file does not change the including Makefile's default
# goal.  See dbrev.mk(7) and docs/migrations.md.

ifndef DBREV_MK_INCLUDED
DBREV_MK_INCLUDED := 1
DBREV_MK_GOAL := $(.DEFAULT_GOAL)
DBREV_MKDIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

include $(DBREV_MKDIR)/dbrev-vars.mk
include $(DBREV_MKDIR)/dbrev-backup.mk
include $(DBREV_MKDIR)/dbrev-migrate.mk
include $(DBREV_MKDIR)/dbrev-fleet.mk

.DEFAULT_GOAL := $(DBREV_MK_GOAL)
endif # DBREV_MK_INCLUDED

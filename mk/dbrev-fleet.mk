# dbrev-fleet.mk - many databases brought to head, one make target each.
#
# Included by dbrev.mk.  A fleet file names the databases, one a line:
#
#	# name     URL                                    fields
#	tenant1    sqlite:data/tenant1.db
#	eu7        postgresql://app:${EU_PW}@eu.example/app   schema=t7
#
# (its syntax: revapply(1), FLEETS; ${VAR} comes from the environment,
# so no password is written in it).  Then `make -j8 db-fleet-upgrade`
# upgrades eight databases at a time, each with its own lock, state and
# backup (in $(DB_BACKUP_DIR)/NAME/); a SQLite database found at head
# before is not even opened.
#
# Knobs (set them before the include; defaults in parentheses):
#   DB_FLEET        the fleet file (databases.list)
#   DB_FLEET_CMD    a shell command printing the fleet instead (unset),
#                   for an inventory kept elsewhere
#   and dbrev-vars.mk's DB_DIR DB_TABLE DB_BACKUP DB_BACKUP_DIR
#   DB_BACKUP_KEEP DB_STATE_DIR DBREV_BINDIR V (DATABASE_URL is not used).
# Per run, on the command line:
#   FLEET_STOP=1      start no database after one failed (default: every
#                     database is tried, as with make -k)
#   FLEET_CANARY=...  these databases (blank or comma separated) first;
#                     the others only when every one of them succeeded
#   FLEET_SHARD=K/N   only the databases of shard K of N (a hash of the
#                     name), to split a fleet between runners
#
# Targets (.PHONY), each one make target per database (make -jN):
#   db-fleet-upgrade  back up (unless DB_BACKUP=no) and upgrade each
#                     database with revisions pending
#   db-fleet-current  each database's current revision (stdout)
#   db-fleet-status   each at head or how many are pending (stdout)
#   db-fleet-check    db-check (the revisions: lints added there apply),
#                     then each database: fails where an upgrade would
#                     refuse (a row in progress, an edited revision)
# Progress on stderr as each database is done ("[37/200] tenant37
# upgraded (2 revisions, 14 ms)"), a summary at the end, and the exit
# status: non-zero when any database failed or was not run.
#
# How: revapply --fleet ... plan reads the fleet, settles the databases
# known at head and writes, in a run directory under $(DB_STATE_DIR),
# the names of the others (make-safe by rule: revapply refuses any
# other name) for a make of their own (dbrev-fleet-run.mk), whose
# targets run revapply --run-dir DIR --name NAME: the URL is looked up
# by name at run time and never reaches make.  revapply --run-dir DIR
# report ends the run.  Knob values reach the tools through the
# environment, never as make or shell syntax.

ifndef DBREV_FLEET_MK_INCLUDED
DBREV_FLEET_MK_INCLUDED := 1
DBREV_FLEET_GOAL := $(.DEFAULT_GOAL)

DBREV_FLEET_MKDIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
include $(DBREV_FLEET_MKDIR)/dbrev-vars.mk
include $(DBREV_FLEET_MKDIR)/dbrev-backup.mk

DB_FLEET	?= databases.list
DB_FLEET_CMD	?=
$(foreach k,DB_FLEET DB_FLEET_CMD,$(eval $(call dbrev_literal,$k)))

# Per-run text, read with $(value ...) and kept out of the environment.
unexport FLEET_STOP FLEET_CANARY FLEET_SHARD
export DBREV_FLEET		 = $(call dbrev_knob,DB_FLEET)
export DBREV_FLEET_CMD		 = $(call dbrev_knob,DB_FLEET_CMD)
export DBREV_FLEET_CANARY_NAMES	 = $(value FLEET_CANARY)
export DBREV_FLEET_SHARD	 = $(value FLEET_SHARD)
export DBREV_FLEET_TOOL		 = $(DBREV_REVAPPLY)
DBREV_FLEET_HAS_CMD		:= $(strip $(call dbrev_knob,DB_FLEET_CMD))
DBREV_FLEET_STOP		 = $(filter-out 0 no,$(strip $(value FLEET_STOP)))

# What plan needs: the fleet, and each option only when it is set.
DBREV_FLEET_OPTS = -d "$$DBREV_DIR"$(DBREV_TABLE_OPT) --state-dir "$$DBREV_STATE_DIR" \
	$(if $(DBREV_FLEET_HAS_CMD),--fleet-cmd "$$DBREV_FLEET_CMD",--fleet "$$DBREV_FLEET") \
	$(if $(value FLEET_SHARD),--shard "$$DBREV_FLEET_SHARD") \
	$(if $(value FLEET_CANARY),--canary "$$DBREV_FLEET_CANARY_NAMES") \
	$(if $(DBREV_FLEET_STOP),--stop) \
	$(if $(filter no,$(DBREV_BACKUP_MODE)),,--backup-dir "$$DBREV_BACKUP_TO"$(if $(DBREV_HAS_KEEP), --backup-keep "$$DBREV_KEEP"))
DBREV_FLEET_QUIET = $(if $(findstring s,$(firstword -$(MAKEFLAGS))),-q)
dbrev_fleet_check_stop = $(if $(filter-out 0 1 yes no,$(strip $(value FLEET_STOP))),$(error dbrev: FLEET_STOP= takes 1 (stop at the first failure) or 0 (try every database, the default)))

# $(call dbrev_fleet_go,VERB): plan, the make of the run, the report.
# The make below runs under make -n too (+): it then only shows each
# database's command, and report says nothing.
dbrev_fleet_go = $(dbrev_fleet_check_stop)+$(DBREV_Q)run=$$($(DBREV_REVAPPLY) $(DBREV_FLEET_QUIET) $(DBREV_FLEET_OPTS) plan $1) || exit $$?; \
	DBREV_FLEET_RUN=$$run $(MAKE) --no-print-directory -f "$$run/targets.mk" \
	    -f $(DBREV_FLEET_MKDIR)/dbrev-fleet-run.mk $(if $(DBREV_FLEET_STOP),-S,-k) \
	    $(if $(DBREV_Q),,V=1) dbrev-fleet; \
	$(DBREV_REVAPPLY) $(DBREV_FLEET_QUIET) --run-dir "$$run" report

.PHONY: db-fleet-upgrade db-fleet-current db-fleet-status db-fleet-check

db-fleet-upgrade:
	$(call dbrev_fleet_go,upgrade)

db-fleet-current:
	$(call dbrev_fleet_go,current)

db-fleet-status:
	$(call dbrev_fleet_go,status)

# The revisions once (db-check: graph, single head, schema; checks added
# to db-check apply to the fleet too), then each database.
db-fleet-check: db-check
	$(call dbrev_fleet_go,check)

.DEFAULT_GOAL := $(DBREV_FLEET_GOAL)
endif # DBREV_FLEET_MK_INCLUDED

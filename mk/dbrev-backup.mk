# dbrev-backup.mk - database backups as make targets (dbbackup(1)).
#
# Included by dbrev.mk; include it alone when a build wants backups but
# not the migration targets.  Knobs: see dbrev-vars.mk (DATABASE_URL,
# DB_DIR, DB_BACKUP, DB_BACKUP_DIR, DB_BACKUP_KEEP, DB_STATE_DIR,
# DBREV_BINDIR, V).
#
# Targets:
#   db-backup            take a backup now into $(DB_BACKUP_DIR); print its path
#   db-restore BACKUP=F  restore backup file F (make db-restore alone lists
#                        this database's backups) after a safety backup of
#                        the database into $(DB_BACKUP_DIR); FORCE=yes
#                        restores a backup of another database; the next
#                        db-upgrade sees a restored SQLite file as changed,
#                        and asks a server anyway
#
# For the other fragments it defines $(DBREV_BACKUP_AUTO), the recipe
# line that backs up before an upgrade or downgrade (nothing when
# DB_BACKUP=no, or when a SQLite database file does not exist yet).

ifndef DBREV_BACKUP_MK_INCLUDED
DBREV_BACKUP_MK_INCLUDED := 1
DBREV_BACKUP_GOAL := $(.DEFAULT_GOAL)

include $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))/dbrev-vars.mk

DBREV_TABLE_OPT		= $(if $(DBREV_HAS_TABLE), --table "$$DBREV_TABLE")
DBREV_BACKUP_RUN	= $(DBREV_DBBACKUP) -d "$$DBREV_DIR" --backup-dir "$$DBREV_BACKUP_TO"$(DBREV_TABLE_OPT)$(if $(DBREV_HAS_KEEP), --keep "$$DBREV_KEEP")
DBREV_SAY_SH		= $(if $(DBREV_SAYING),printf '  %-8s %s\n' '$1' "$$DBREV_URL_SAFE";)

# `make db-backup db-upgrade` (the deploy line): the backup asked for is
# the one before the change.  The upgrade or downgrade waits for it (an
# order-only prerequisite, so -j too) and takes no second one.
DBREV_BACKUP_ASKED	?= $(filter db-backup,$(MAKECMDGOALS))

ifeq ($(if $(filter no,$(DBREV_BACKUP_MODE)),no)$(DBREV_BACKUP_ASKED),)
DBREV_BACKUP_AUTO	= $(DBREV_Q)if [ -n "$$DBREV_SQLITE_DB" ] && [ ! -e "$$DBREV_SQLITE_DB" ]; then :; \
			  else $(call DBREV_SAY_SH,BACKUP) $(DBREV_BACKUP_RUN); fi
else
DBREV_BACKUP_AUTO	=
endif

.PHONY: db-backup db-restore
.DELETE_ON_ERROR:

db-backup:
	$(dbrev_need_url)
	$(call dbrev_say,BACKUP)
	$(DBREV_Q)$(DBREV_BACKUP_RUN)

db-restore:
	$(dbrev_need_url)
	$(DBREV_Q)if [ -z "$$DBREV_BACKUP" ]; then \
	    echo 'dbrev: db-restore needs BACKUP=FILE, one of these (newest last):' >&2; \
	    $(DBREV_DBBACKUP) --list --backup-dir "$$DBREV_BACKUP_TO" >&2; \
	    exit 2; fi
	$(call dbrev_say,RESTORE)
	$(DBREV_Q)$(DBREV_DBBACKUP) -d "$$DBREV_DIR" --backup-dir "$$DBREV_BACKUP_TO"$(DBREV_TABLE_OPT)$(if $(filter yes,$(value FORCE)), --force) --restore "$$DBREV_BACKUP"

.DEFAULT_GOAL := $(DBREV_BACKUP_GOAL)
endif # DBREV_BACKUP_MK_INCLUDED

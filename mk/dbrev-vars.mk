# dbrev-vars.mk - knobs, defaults and helpers shared by dbrev's fragments.
#
# Included by dbrev.mk, dbrev-migrate.mk and dbrev-backup.mk; a Makefile
# rarely includes it by itself.  Set the knobs BEFORE the include line
# (some decide what the fragments define when they are read); M=, REV=,
# FROM=, BACKUP= are read when a target runs and belong on the command
# line.
#
# Knobs (default):
#   DATABASE_URL    the database: sqlite:app.db, sqlite:///abs/app.db,
#                   postgresql://user@host/db or a libpq keyword string.
#                   No default: the db- targets that connect stop with a
#                   helpful message when it is unset; the others (and
#                   every target of the including Makefile) work without.
#   DB_DIR          migrations directory (migrations)
#   DB_SCHEMA       desired schema, for db-migrate and db-check (schema.sql)
#   DB_BACKUP       yes: back up before upgrade and downgrade; no: never (yes)
#   DB_BACKUP_DIR   where backups go (backups)
#   DB_BACKUP_KEEP  keep only the N newest backups after each one (all)
#   DB_STATE_DIR    what db-upgrade remembers between runs (.dbrev)
#   DB_TABLE        version table (the tools' default, dbrev_revisions)
#   DB_DEV_URL      PostgreSQL server for db-test's and db-drift's scratch
#                   databases (DATABASE_URL's server)
#   DB_LOCK_TIMEOUT PostgreSQL: how long each statement of a revision
#                   waits for another session's lock, then the revision
#                   is rolled back and tried again: revapply
#                   --statement-lock-timeout (5s; 0: no limit)
#   DB_STATEMENT_TIMEOUT  PostgreSQL: how long each statement of a
#                   revision may run: --statement-timeout (no limit)
#   DB_RETRIES      how many times a revision that hit its lock timeout
#                   is tried again: --retries (2)
#   DBREV_BINDIR    directory of revgen, revorder, revapply, dbbackup
#                   (the install's bindir; in a source tree its build/bin
#                   when built, else found on PATH)
#   V               V=1 shows the commands instead of one line per step
#
# Internal names start with DBREV_ / dbrev_.  No knob value becomes make
# syntax: values reach the tools through the environment, so any of them
# may hold spaces, quotes, '$', '#' or ';'.

ifndef DBREV_VARS_MK_INCLUDED
DBREV_VARS_MK_INCLUDED := 1

DBREV_MKDIR ?= $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

DBREV_EMPTY	:=
DBREV_SPACE	:= $(DBREV_EMPTY) $(DBREV_EMPTY)
DBREV_COMMA	:= ,
DBREV_HASH	:= \#
DBREV_LP	:= (
DBREV_RP	:= )

DB_DIR		?= migrations
DB_SCHEMA	?= schema.sql
DB_BACKUP	?= yes
DB_BACKUP_DIR	?= backups
DB_BACKUP_KEEP	?=
DB_STATE_DIR	?= .dbrev
DB_TABLE	?=
DB_DEV_URL	?=
DB_LOCK_TIMEOUT	?=
DB_STATEMENT_TIMEOUT ?=
DB_RETRIES	?=

# --- Knob values: text, never syntax. ---
# A knob given in the environment or on make's command line is text and
# is taken as it is, $(value ...): make expands nothing in it, so a
# password holding '$(' or '$(shell ...)' is just characters.  A knob set
# in the including Makefile is make syntax its author wrote ('$$' for a
# '$'), expanded like any variable.  make would export a command-line
# variable to every recipe, expanding it to do so: those are replaced by
# simple variables holding their text, exported as such.
DBREV_KNOBS	:= DATABASE_URL DB_DIR DB_SCHEMA DB_BACKUP DB_BACKUP_DIR \
		   DB_BACKUP_KEEP DB_STATE_DIR DB_TABLE DB_DEV_URL \
		   DB_LOCK_TIMEOUT DB_STATEMENT_TIMEOUT DB_RETRIES DBREV_BINDIR V
dbrev_knob	 = $(if $(filter environment command,$(firstword $(origin $1))),$(value $1),$($1))
define dbrev_literal
ifeq ($$(firstword $$(origin $1)),command)
override $1 := $$(value $1)
export $1
endif
endef
$(foreach k,$(DBREV_KNOBS),$(eval $(call dbrev_literal,$k)))

# `make install` substitutes the installed bindir for the marker below.
# Unsubstituted (in a source tree) the tree's own build/bin is used when
# the tools are built there, else they are looked up on PATH.
DBREV_BINDIR	?= @DBREV_BINDIR@
DBREV_UNSUBST	:= @DBREV_$(DBREV_EMPTY)BINDIR@
ifeq ($(call dbrev_knob,DBREV_BINDIR),$(DBREV_UNSUBST))
override DBREV_BINDIR := $(patsubst %/revapply,%,$(wildcard $(DBREV_MKDIR)/../build/bin/revapply))
endif
DBREV_TOOLDIR	:= $(strip $(call dbrev_knob,DBREV_BINDIR))

dbrev_tool	 = $(if $(DBREV_TOOLDIR),$(DBREV_TOOLDIR)/)$1
DBREV_REVGEN	?= $(call dbrev_tool,revgen)
DBREV_REVORDER	?= $(call dbrev_tool,revorder)
DBREV_REVAPPLY	?= $(call dbrev_tool,revapply)
DBREV_DBBACKUP	?= $(call dbrev_tool,dbbackup)

# Quiet by default: one "  VERB     what" line per step (Kbuild's habit);
# V=1 shows the commands instead, make -s neither.
ifeq ($(call dbrev_knob,V),1)
DBREV_Q		:=
DBREV_SAYING	:=
else
DBREV_Q		:= @
DBREV_SAYING	:= $(if $(findstring s,$(firstword -$(MAKEFLAGS))),,yes)
endif
# $(call dbrev_say,VERB[,SHELLWORD]): a recipe line printing the step
# and the database (or SHELLWORD) when quiet; empty, so no line, if V=1.
dbrev_say	 = $(if $(DBREV_SAYING),@printf '  %-8s %s\n' '$1' $(or $2,"$$DBREV_URL_SAFE"))

# --- The database URL and a form of it safe to print. ---
# Computed with make's text functions only, when the fragment is read.
# The tools read DATABASE_URL from the environment: it never appears in
# a command line (V=1 shows "$DATABASE_URL", not the password).
DBREV_URL	:= $(call dbrev_knob,DATABASE_URL)

# Shown in the step lines: a URI's user:password@ goes (everything
# between "//" and the last "@"), and of its query and of a keyword
# string only the parameters that name the database stay; a keyword
# string with quotes or backslashes is not taken apart at all.
DBREV_KEEP_PARAMS := host=% hostaddr=% port=% dbname=% user=% service=%
dbrev_uri_noauth = $(if $(and $(findstring //,$1),$(findstring @,$1)),$(firstword $(subst //, ,$1))//$(lastword $(subst @, ,$(subst $(firstword $(subst //, ,$1))//,,$1))),$1)
dbrev_uri_safe	 = $(call dbrev_uri_q,$(subst ?, ?,$(call dbrev_uri_noauth,$1)))
dbrev_uri_q	 = $(firstword $1)$(if $(word 2,$1),$(subst $(DBREV_SPACE),&,$(strip ?$(filter $(DBREV_KEEP_PARAMS),$(subst &, ,$(patsubst ?%,%,$(word 2,$1)))))))
dbrev_kw_safe	 = $(if $(or $(findstring ',$1),$(findstring \,$1)),(libpq keyword string),$(filter $(DBREV_KEEP_PARAMS),$(subst $(DBREV_SPACE)=,=,$(subst =$(DBREV_SPACE),=,$(subst =$(DBREV_SPACE),=,$1)))))
dbrev_url_safe	 = $(strip $(if $(filter sqlite:%,$(firstword $1)),$1,$(if $(filter 1,$(words $1)),$(patsubst %?,%,$(call dbrev_uri_safe,$1)),$(call dbrev_kw_safe,$1))))
DBREV_URL_SAFE	:= $(call dbrev_url_safe,$(DBREV_URL))

# The file of a sqlite: URL as revapply reads it (sqlite:rel/app.db,
# sqlite:///abs/app.db; spaces and all), so that a database not created
# yet is not backed up.  dbrev_unprefix removes a leading $1 only.
dbrev_unprefix	 = $(subst @@dbrev@@$1,,@@dbrev@@$2)
dbrev_unslash	 = $(if $(filter //%,$(firstword $1)),$(call dbrev_unprefix,/,$(call dbrev_unprefix,/,$1)),$1)
DBREV_SQLITE_FILE := $(if $(filter sqlite:%,$(firstword $(DBREV_URL))),$(call dbrev_unslash,$(call dbrev_unprefix,sqlite:,$(DBREV_URL))))

ifneq ($(strip $(DBREV_URL)),)
export DATABASE_URL
endif

# --- Knob values reach the tools through the environment, as single ---
# arguments that no shell re-parses ("$$DBREV_DIR").  Recursive, so that
# a knob set after the include line still reaches the targets that need
# no state.  M=, REV=, FROM=, BACKUP= are per-run text, read with
# $(value ...); make would export them, expanded, had they come from the
# command line: they are kept out of the environment.
unexport M REV FROM BACKUP FORCE SINCE
export DBREV_URL_SAFE
export DBREV_DIR	 = $(call dbrev_knob,DB_DIR)
export DBREV_SCHEMA_FILE = $(call dbrev_knob,DB_SCHEMA)
export DBREV_BACKUP_TO	 = $(call dbrev_knob,DB_BACKUP_DIR)
export DBREV_STATE_DIR	 = $(call dbrev_knob,DB_STATE_DIR)
export DBREV_TABLE	 = $(call dbrev_knob,DB_TABLE)
export DBREV_KEEP	 = $(call dbrev_knob,DB_BACKUP_KEEP)
export DBREV_DEV_URL	 = $(call dbrev_knob,DB_DEV_URL)
export DBREV_LOCK_TIMEOUT = $(call dbrev_knob,DB_LOCK_TIMEOUT)
export DBREV_STATEMENT_TIMEOUT = $(call dbrev_knob,DB_STATEMENT_TIMEOUT)
export DBREV_RETRIES	 = $(call dbrev_knob,DB_RETRIES)
export DBREV_TOOLDIR
export DBREV_SQLITE_DB	 = $(DBREV_SQLITE_FILE)
export DBREV_M		 = $(value M)
export DBREV_REV	 = $(value REV)
export DBREV_FROM	 = $(value FROM)
export DBREV_SINCE	 = $(value SINCE)
export DBREV_BACKUP	 = $(value BACKUP)
DBREV_BACKUP_MODE	:= $(strip $(call dbrev_knob,DB_BACKUP))
DBREV_HAS_TABLE		:= $(strip $(call dbrev_knob,DB_TABLE))
# revapply's options for the runs that apply revisions, each when set.
DBREV_RUN_OPTS		:= $(if $(strip $(call dbrev_knob,DB_LOCK_TIMEOUT)), --statement-lock-timeout "$$DBREV_LOCK_TIMEOUT")$(if $(strip $(call dbrev_knob,DB_STATEMENT_TIMEOUT)), --statement-timeout "$$DBREV_STATEMENT_TIMEOUT")$(if $(strip $(call dbrev_knob,DB_RETRIES)), --retries "$$DBREV_RETRIES")
DBREV_HAS_KEEP		:= $(strip $(call dbrev_knob,DB_BACKUP_KEEP))


# --- Checks, expanded at the top of a recipe (they print nothing). ---
DBREV_REVCHARS	:= a b c d e f g h i j k l m n o p q r s t u v w x y z \
		   A B C D E F G H I J K L M N O P Q R S T U V W X Y Z \
		   0 1 2 3 4 5 6 7 8 9 _ + -
dbrev_del	 = $(if $2,$(call dbrev_del,$(subst $(firstword $2),,$1),$(wordlist 2,$(words $2),$2)),$1)
# $(call dbrev_check_rev,NAME): the knob NAME (REV, FROM) holds one
# revision: an id, a unique prefix, head, heads, base, +N or -N.
dbrev_check_rev	 = $(if $(or $(call dbrev_del,$(subst $(DBREV_SPACE),x,$(value $1)),$(DBREV_REVCHARS)),$(findstring $(DBREV_SPACE),$(value $1))),$(error dbrev: $1= takes a revision: an id or unique prefix of one, head, heads, base, +N or -N (letters, digits, _ + - only)))
dbrev_need_rev	 = $(if $(value $1),$(call dbrev_check_rev,$1),$(error dbrev: $@ needs $1=, e.g. make $@ $1=head (an id or unique prefix, head, heads, base)))
dbrev_need_m	 = $(if $(strip $(value M)),,$(error dbrev: $@ needs a message: make $@ M="Add users table"))
DBREV_URL_HELP	 = dbrev: $@ needs DATABASE_URL, the database to work on. Set it before the include line of your Makefile (DATABASE_URL ?= sqlite:app.db), on the command line (make $@ DATABASE_URL=sqlite:app.db) or in the environment (export DATABASE_URL=postgresql://user@host/dbname)
dbrev_need_url	 = $(if $(DBREV_URL),,$(error $(DBREV_URL_HELP)$(if $(strip $(call dbrev_knob,DATABASE_URL)),: it is set now$(DBREV_COMMA) but after the include line$(DBREV_COMMA) where the rules could not see it)))

endif # DBREV_VARS_MK_INCLUDED
